import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { parseSweepSpec, readSweepSpec } from './sweep-spec.ts';

function errorOf(text: string, file = 'exp/s.yaml'): WorkbenchError {
  try {
    parseSweepSpec(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseSweepSpec', () => {
  it('reads a YAML spec with defaults for what it leaves out', () => {
    const spec = parseSweepSpec('name: s1\npreset: ngram\ngrid:\n  method: [dallmi, vpu]\n', 's.yaml');
    expect(spec.name).toBe('s1');
    expect(spec.experiment).toBe('s1');
    expect(spec.preset).toBe('ngram');
    expect(spec.grid).toEqual({ method: ['dallmi', 'vpu'] });
    expect(spec.seeds).toEqual([]);
    expect(spec.base).toEqual({});
    expect(spec.locate(['grid', 'method', 1])).toEqual({ file: 's.yaml', line: 4, column: 20 });
  });

  it('reads JSON too (a JSON document is YAML)', () => {
    const spec = parseSweepSpec('{"name": "j", "experiment": "e", "seeds": [1, 2], "grid": {"scenario.name": ["keep10"]}}', 's.json');
    expect(spec.experiment).toBe('e');
    expect(spec.seeds).toEqual([1, 2]);
  });

  it('names an unknown method with its path, file:line and a did-you-mean', () => {
    const e = errorOf('name: s\ngrid:\n  method: [source-only, dallmi, dalmi]\n');
    expect(e.message).toMatch(/^exp\/s\.yaml:3:\d+: grid\.method\[2\]: unknown method 'dalmi' \(did you mean 'dallmi'\?\)/);
    expect(e.where).toMatchObject({ file: 'exp/s.yaml', line: 3, path: 'grid.method[2]' });
  });

  it('names an unknown key, at the top and inside base, with a did-you-mean', () => {
    expect(errorOf('name: s\ngird:\n  method: [dallmi]\n').message).toMatch(/s\.yaml:2:1: gird: unknown key 'gird' \(did you mean 'grid'\?\)/);
    const e = errorOf('name: s\nbase:\n  target:\n    epochz: 3\n');
    expect(e.message).toMatch(/s\.yaml:4:5: base\.target\.epochz: unknown key 'epochz' \(did you mean 'epochs'\?\)/);
  });

  it('names an unknown grid path with a did-you-mean', () => {
    expect(errorOf('name: s\ngrid:\n  target.epoch: [1, 2]\n').message).toMatch(/grid\.target\.epoch: unknown key 'target\.epoch' \(did you mean 'target\.epochs'\?\)/);
  });

  it('rejects a wrong type, naming what it expected and what it got', () => {
    const e = errorOf('name: s\nbase:\n  seed: three\n');
    expect(e.message).toMatch(/s\.yaml:3:9: base\.seed: expected integer, got string "three"/);
    expect(errorOf('name: s\ngrid:\n  target.lr: 0.1\n').message).toMatch(/grid\.target\.lr: expected array, got number 0\.1/);
  });

  it('rejects an empty axis, a bad scenario, a missing name and unequal zip lists', () => {
    expect(errorOf('name: s\ngrid:\n  method: []\n').message).toMatch(/grid\.method: an empty list/);
    expect(errorOf('name: s\ngrid:\n  scenario.name: [keep50, kep10]\n').message).toMatch(/grid\.scenario\.name\[1\]: 'kep10' is not a valid scenario name/);
    expect(errorOf('grid:\n  method: [dallmi]\n').message).toMatch(/missing required key 'name'/);
    expect(errorOf('name: s\nzip:\n  - target.lr: [0.1, 0.2]\n    target.epochs: [1]\n').message).toMatch(/zip\[0\]: the lists of a zip group must have the same length, got target\.lr: 2, target\.epochs: 1/);
  });

  it('reports malformed YAML with its line', () => {
    const e = errorOf('name: s\ngrid: [method\n');
    expect(e.code).toBe('SWEEP_INVALID');
    expect(e.where?.line).toBeGreaterThanOrEqual(2);
  });

  it('expands ${VAR} and ${VAR:-default} in string values, and names an unset variable at its place', () => {
    const spec = parseSweepSpec('name: s\nbase:\n  backbone: {checkpoint: "${BERT}/x"}\n  dataset: ${DS:-debtags-dev}\n', 's.yaml', { BERT: '/models/bert' });
    expect(spec.base).toEqual({ backbone: { checkpoint: '/models/bert/x' }, dataset: 'debtags-dev' });
    expect(() => parseSweepSpec('name: s\nbase:\n  dataset: ${DS}\n', 's.yaml', {})).toThrow(/s\.yaml:3:12: base\.dataset: environment variable DS is not set/);
  });

  it('readSweepSpec reads a file and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'name: a\ncells:\n  - method: dallmi\n');
    expect(readSweepSpec(file).cells).toEqual([{ method: 'dallmi' }]);
    expect(() => readSweepSpec(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read the sweep spec/);
  });
});
