import { WorkbenchError } from '@workbench/core';
import { cellIdentity, resolveCellConfig, stage1Key } from './resolve-cell-config.ts';

describe('resolveCellConfig', () => {
  it('applies defaults, preset, user values and method overrides in that order', () => {
    const c = resolveCellConfig({ method: 'dallmi-reference', target: { epochs: 2 } }, { preset: 'ngram' });
    expect(c.backbone.kind).toBe('ngram');
    expect(c.target.epochs).toBe(2);
    expect(c.target.batchSize).toBe(64);
    expect(c.dallmi.mixup.gradient).toBe('off');
    expect(c.dallmi.mixup.pairing).toBe('reference');
    expect(c.scenario.scope).toBe('chunk1000');
    // The paper's defaults without a preset.
    const d = resolveCellConfig({});
    expect([d.source.lr, d.source.batchSize, d.source.epochs, d.source.clipNorm, d.backbone.maxLength]).toEqual([5e-5, 64, 12, 1, 128]);
  });

  it('rejects unknown methods, presets and keys with a did-you-mean', () => {
    expect(() => resolveCellConfig({ method: 'dalmi' })).toThrow("method: unknown method 'dalmi' (did you mean 'dallmi'?)");
    expect(() => resolveCellConfig({}, { preset: 'tiyn' })).toThrow("preset: unknown preset 'tiyn' (did you mean 'tiny'?)");
    expect(() => resolveCellConfig({ dallmi: { mixup: { weigth: 2 } } })).toThrow(WorkbenchError);
    expect(() => resolveCellConfig({ dallmi: { mixup: { weigth: 2 } } })).toThrow("dallmi.mixup.weigth: unknown key 'weigth' (did you mean 'weight'?)");
  });
});

describe('cellIdentity', () => {
  it('ignores keys a method does not depend on', () => {
    const a = resolveCellConfig({ method: 'source-only', scenario: { name: 'keep10' } });
    const b = resolveCellConfig({ method: 'source-only', scenario: { name: 'keep50' }, dallmi: { loss: 'log' } });
    expect(cellIdentity(a, 'd')).toBe(cellIdentity(b, 'd'));
    const c = resolveCellConfig({ method: 'dallmi', scenario: { name: 'keep10' } });
    const e = resolveCellConfig({ method: 'dallmi', scenario: { name: 'keep50' } });
    expect(cellIdentity(c, 'd')).not.toBe(cellIdentity(e, 'd'));
  });

  it('differs by seed, method, dataset digest', () => {
    const a = resolveCellConfig({ method: 'dallmi' });
    expect(cellIdentity(a, 'd')).not.toBe(cellIdentity({ ...a, seed: 1 }, 'd'));
    expect(cellIdentity(a, 'd')).not.toBe(cellIdentity(resolveCellConfig({ method: 'dallmi-reference', scenario: { scope: 'split' } }), 'd'));
    expect(cellIdentity(a, 'd')).not.toBe(cellIdentity(a, 'other-digest'));
  });

  it('every target method shares the stage-1 key of its config', () => {
    const a = resolveCellConfig({ method: 'dallmi', scenario: { name: 'keep10' } });
    const b = resolveCellConfig({ method: 'partial-supervised', scenario: { name: 'keep50' }, target: { lr: 1 } });
    expect(stage1Key(a, 'd')).toBe(stage1Key(b, 'd'));
    expect(stage1Key(a, 'd')).not.toBe(stage1Key({ ...a, source: { ...a.source, lr: 1 } }, 'd'));
  });
});
