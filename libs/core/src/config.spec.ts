import { deepMerge, flattenConfig, getPath, parseSetFlags, resolveConfig } from './config.ts';
import { WorkbenchError } from './errors.ts';

interface TrainConfig {
  lr: number;
  epochs: number;
  optimizer: { name: string; weightDecay: number };
  labels: string[];
  prior: Record<string, number> | null;
}
const DEFAULT_TRAIN: Required<TrainConfig> = { lr: 5e-5, epochs: 12, optimizer: { name: 'adamw', weightDecay: 0.01 }, labels: [], prior: null };

describe('resolveConfig', () => {
  it('merges a partial over the defaults, recursively', () => {
    const c = resolveConfig(DEFAULT_TRAIN, { epochs: 3, optimizer: { weightDecay: 0 } });
    expect(c).toEqual({ lr: 5e-5, epochs: 3, optimizer: { name: 'adamw', weightDecay: 0 }, labels: [], prior: null });
    expect(DEFAULT_TRAIN.optimizer.weightDecay).toBe(0.01); // defaults untouched
  });

  it('rejects an unknown key with its path and a did-you-mean', () => {
    let err: unknown;
    try {
      resolveConfig(DEFAULT_TRAIN, { optimizer: { weightDecy: 0 } }, { where: { file: 'x.yaml', path: 'train' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkbenchError);
    const e = err as WorkbenchError;
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.message).toContain("x.yaml: train.optimizer.weightDecy: unknown key 'weightDecy' (did you mean 'weightDecay'?)");
  });

  it('rejects a wrong type, naming expected and found', () => {
    expect(() => resolveConfig(DEFAULT_TRAIN, { lr: '0.1' })).toThrow("lr: expected a number, got string \"0.1\"");
    expect(() => resolveConfig(DEFAULT_TRAIN, { labels: 'a' })).toThrow(/labels: expected an array/);
    expect(() => resolveConfig(DEFAULT_TRAIN, { epochs: Infinity })).toThrow(/finite/);
    expect(() => resolveConfig(DEFAULT_TRAIN, 3)).toThrow(/expected an object/);
  });

  it('accepts any value where the default is null', () => {
    expect(resolveConfig(DEFAULT_TRAIN, { prior: { a: 0.1 } }).prior).toEqual({ a: 0.1 });
  });

  it('open paths accept unknown keys', () => {
    const D: Required<{ priors: Record<string, number> }> = { priors: {} };
    expect(resolveConfig(D, { priors: { x: 1 } }, { openPaths: ['priors'] }).priors).toEqual({ x: 1 });
    expect(() => resolveConfig(D, { priors: { x: 1 } })).toThrow(/unknown key 'x'/);
  });
});

describe('config helpers', () => {
  it('parses --set flags with JSON values', () => {
    expect(parseSetFlags(['train.lr=0.001', 'name=abc', 'flags=[1,2]', 'ok=true'])).toEqual({ train: { lr: 0.001 }, name: 'abc', flags: [1, 2], ok: true });
    expect(() => parseSetFlags(['nokey'])).toThrow("--set: 'nokey' is not of the form key=value");
  });

  it('flattens to dotted string params in sorted order', () => {
    expect(flattenConfig({ b: { y: 1, x: 'a' }, a: [1, 2], c: {} })).toEqual({ a: '[1,2]', 'b.x': 'a', 'b.y': '1', c: '{}' });
  });

  it('deepMerge and getPath', () => {
    expect(deepMerge({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
    expect(getPath({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(getPath({ a: 1 }, 'a.b')).toBeUndefined();
  });
});
