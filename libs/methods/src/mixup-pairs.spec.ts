import { createRng } from '@workbench/core';
import { pickMixupPairs } from './mixup-pairs.ts';

describe('pickMixupPairs', () => {
  it('pairs an unlabelled and a positive row for each label that has both', () => {
    // 4 rows x 3 labels: label 0 has P={0,1} U={2,3}; label 1 has no P; label 2 is positive everywhere (no U).
    const observed = Uint8Array.from([1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1]);
    const pairs = pickMixupPairs(observed, 4, 3, 0.3, createRng(1));
    expect(pairs.map((p) => p.label)).toEqual([0]);
    const [pair] = pairs;
    expect([0, 1]).toContain(pair!.p);
    expect([2, 3]).toContain(pair!.u);
    expect(pair!.mu).toBeGreaterThanOrEqual(0);
    expect(pair!.mu).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed and draws uniformly within P and U', () => {
    const observed = Uint8Array.from([1, 1, 0, 0, 0, 0]).map((x) => x); // 6 rows x 1 label: P={0,1}, U={2..5}
    expect(pickMixupPairs(observed, 6, 1, 0.3, createRng(5))).toEqual(pickMixupPairs(observed, 6, 1, 0.3, createRng(5)));
    const rng = createRng(7);
    const uCounts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) uCounts[pickMixupPairs(observed, 6, 1, 0.3, rng)[0]!.u]!++;
    for (const u of [2, 3, 4, 5]) expect(Math.abs(uCounts[u]! - 1000)).toBeLessThan(150);
  });
});
