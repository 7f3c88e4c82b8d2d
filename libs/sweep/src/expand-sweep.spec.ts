import { WorkbenchError } from '@workbench/core';
import { expandSweep } from './expand-sweep.ts';
import { parseSweepSpec } from './sweep-spec.ts';

const digest = (): string => 'd1';
const expand = (yaml: string) => expandSweep(parseSweepSpec(yaml, 's.yaml'), digest);

function errorOf(yaml: string, datasetDigest: (n: string) => string = digest): WorkbenchError {
  try {
    expandSweep(parseSweepSpec(yaml, 's.yaml'), datasetDigest);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected the sweep to be rejected');
}

describe('expandSweep', () => {
  it('multiplies grid axes and seeds into resolved cells with the preset applied', () => {
    const e = expand('name: s\npreset: ngram\ngrid:\n  method: [dallmi, partial-supervised]\n  scenario.name: [keep50, keep10]\nseeds: [0, 1]\n');
    expect(e.points).toBe(8);
    expect(e.cells).toHaveLength(8);
    expect(new Set(e.cells.map((c) => c.id)).size).toBe(8);
    expect(e.cells.every((c) => c.config.backbone.kind === 'ngram' && c.preset === 'ngram')).toBe(true);
    expect(e.cells.map((c) => c.label)).toContain('dallmi keep10 seed 1');
    expect(e.digests.get('debtags-dev')).toBe('d1');
  });

  it('runs cells a method cannot tell apart once, labelled with every value they stand for', () => {
    const e = expand('name: s\npreset: ngram\ngrid:\n  method: [source-only, dallmi]\n  scenario.name: [keep50, keep10]\n  target.lr: [0.001, 0.01]\n');
    // source-only ignores the scenario and the target optimiser: 4 points, one cell.
    const sourceOnly = e.cells.filter((c) => c.config.method === 'source-only');
    expect(sourceOnly).toHaveLength(1);
    expect(sourceOnly[0]!.points).toHaveLength(4);
    expect(sourceOnly[0]!.label).toBe('source-only keep50|keep10 target.lr=0.001|0.01 seed 0');
    expect(e.cells.filter((c) => c.config.method === 'dallmi')).toHaveLength(4);
    expect(e.points).toBe(8);
  });

  it('changes the identity with the dataset digest and the seed, not with a key the method ignores', () => {
    const a = expandSweep(parseSweepSpec('name: s\ncells:\n  - {method: source-only, seed: 1}\n', 's.yaml'), () => 'a').cells[0]!;
    const b = expandSweep(parseSweepSpec('name: s\ncells:\n  - {method: source-only, seed: 1, target: {epochs: 99}}\n', 's.yaml'), () => 'a').cells[0]!;
    const c = expandSweep(parseSweepSpec('name: s\ncells:\n  - {method: source-only, seed: 1}\n', 's.yaml'), () => 'b').cells[0]!;
    const d = expandSweep(parseSweepSpec('name: s\ncells:\n  - {method: source-only, seed: 2}\n', 's.yaml'), () => 'a').cells[0]!;
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(d.id).not.toBe(a.id);
  });

  it('zips axes together, adds explicit cells and drops excluded ones', () => {
    const e = expand(
      [
        'name: s',
        'grid:',
        '  method: [dallmi, vpu]',
        'zip:',
        '  - target.lr: [0.001, 0.01]',
        '    target.epochs: [2, 4]',
        'cells:',
        '  - {method: partial-supervised, scenario: {name: keep30}}',
        'exclude:',
        '  - {method: vpu, target.epochs: 4}',
      ].join('\n'),
    );
    expect(e.points).toBe(5);
    expect(e.excluded).toBe(1);
    const pairs = e.cells.filter((c) => c.config.method !== 'partial-supervised').map((c) => `${c.config.method} ${c.config.target.lr} ${c.config.target.epochs}`);
    expect(pairs.sort()).toEqual(['dallmi 0.001 2', 'dallmi 0.01 4', 'vpu 0.001 2']);
    expect(e.cells.find((c) => c.config.method === 'partial-supervised')!.config.scenario.name).toBe('keep30');
  });

  it('takes the seed from the grid or base when given there, and multiplies by seeds otherwise', () => {
    expect(expand('name: s\ngrid:\n  seed: [3, 4]\n  method: [dallmi]\nseeds: [0, 1]\n').cells.map((c) => c.config.seed)).toEqual([3, 4]);
    expect(expand('name: s\nbase: {seed: 7}\ngrid:\n  method: [dallmi]\n').cells.map((c) => c.config.seed)).toEqual([7]);
    expect(expand('name: s\nbase: {seed: 7}\ngrid:\n  method: [dallmi]\nseeds: [1, 2]\n').cells.map((c) => c.config.seed)).toEqual([1, 2]);
  });

  it('reports an empty grid, a duplicated cell and a sweep excluded away before anything runs', () => {
    expect(errorOf('name: s\nbase: {method: dallmi}\n').message).toMatch(/empty grid/);
    const dup = errorOf('name: s\ngrid:\n  method: [dallmi, vpu, dallmi]\n');
    expect(dup.message).toMatch(/duplicated cell: grid\.method\[2\] sets the same values as grid\.method\[0\]/);
    expect(dup.where?.line).toBe(3);
    expect(errorOf('name: s\ngrid:\n  method: [dallmi]\ncells:\n  - {method: dallmi}\n').message).toMatch(/duplicated cell: cells\[0\]\.method sets the same values as grid\.method\[0\]/);
    expect(errorOf('name: s\ngrid:\n  method: [dallmi]\nexclude:\n  - {method: dallmi}\n').message).toMatch(/every one of the 1 cells is excluded/);
  });

  it('locates a value that fails to resolve and an unknown dataset in the spec', () => {
    const preset = errorOf('name: s\ngrid:\n  preset: [ngram, ngarm]\n');
    expect(preset.message).toMatch(/s\.yaml:3:\d+: grid\.preset\[1\]: unknown preset 'ngarm' \(did you mean 'ngram'\?\)/);
    const unknown = (name: string): string => {
      if (name === 'debtags-dev') return 'd';
      throw new WorkbenchError('DATASET_NOT_FOUND', `unknown dataset '${name}' (did you mean 'debtags-dev'?)`);
    };
    const ds = errorOf('name: s\ngrid:\n  dataset: [debtags-dev, debtags-dv]\n', unknown);
    expect(ds.message).toMatch(/s\.yaml:3:\d+: .*grid\.dataset\[1\]: unknown dataset 'debtags-dv' \(did you mean 'debtags-dev'\?\)/);
    const base = errorOf('name: s\nbase:\n  dataset: debtags-dv\ngrid:\n  method: [dallmi]\n', unknown);
    expect(base.message).toMatch(/s\.yaml:3:\d+: .*base\.dataset: unknown dataset 'debtags-dv'/);
  });
});
