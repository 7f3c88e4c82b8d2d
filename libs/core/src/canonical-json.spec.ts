import { canonicalJson, configHash, pickPaths, sha256Hex } from './canonical-json.ts';
import { WorkbenchError } from './errors.ts';

describe('canonicalJson', () => {
  it('sorts keys recursively and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same hash for the same config written in another order', () => {
    expect(configHash({ lr: 5e-5, epochs: 12 })).toBe(configHash({ epochs: 12, lr: 0.00005 }));
    expect(configHash({ lr: 5e-5 })).not.toBe(configHash({ lr: 5e-4 }));
  });

  it('writes numbers stably: -0 as 0, shortest round-trip otherwise', () => {
    expect(canonicalJson([-0, 0.1, 1e21, 1.0])).toBe('[0,0.1,1e+21,1]');
  });

  it('rejects values with no stable meaning, naming the path', () => {
    expect(() => canonicalJson({ a: { b: NaN } })).toThrow(WorkbenchError);
    expect(() => canonicalJson({ a: { b: NaN } })).toThrow(/\$\.a\.b/);
    expect(() => canonicalJson({ a: [undefined] })).toThrow(/\$\.a\[0\]/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson({ m: new Map() })).toThrow(/Map/);
  });

  it('hashes with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(configHash({})).toBe(sha256Hex('{}'));
  });

  it('pickPaths keeps only the listed dotted paths', () => {
    expect(pickPaths({ a: { b: 1, c: 2 }, d: 3, e: 4 }, ['a.b', 'd', 'missing.x'])).toEqual({ a: { b: 1 }, d: 3 });
  });
});
