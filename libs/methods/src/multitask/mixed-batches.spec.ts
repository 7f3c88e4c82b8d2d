import { Rng } from '@workbench/core';
import { epochBatches, taskShares } from './mixed-batches.ts';

const pools = new Map([
  ['a', Array.from({ length: 300 }, (_, i) => i)],
  ['b', Array.from({ length: 100 }, (_, i) => 1000 + i)],
]);

function count(batches: { tasks: string[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of batches) for (const t of b.tasks) out[t] = (out[t] ?? 0) + 1;
  return out;
}

describe('mixed-task batching', () => {
  it('gives each task its share of batches: proportional, uniform, sqrt and explicit ratios', () => {
    const counts = new Map([...pools].map(([t, r]) => [t, r.length]));
    expect(Object.fromEntries(taskShares(counts, 'proportional'))).toEqual({ a: 0.75, b: 0.25 });
    expect(Object.fromEntries(taskShares(counts, 'uniform'))).toEqual({ a: 0.5, b: 0.5 });
    expect(taskShares(counts, 'sqrt').get('a')).toBeCloseTo(Math.sqrt(300) / (Math.sqrt(300) + 10), 12);
    expect(Object.fromEntries(taskShares(counts, { a: 1, b: 3 }))).toEqual({ a: 0.25, b: 0.75 });
    // 30 + 10 batches of 10 per epoch, split by the ratio exactly.
    expect(count(epochBatches(pools, 10, { mode: 'mixed', ratio: 'proportional' }, new Rng(1)))).toEqual({ a: 30, b: 10 });
    expect(count(epochBatches(pools, 10, { mode: 'mixed', ratio: 'uniform' }, new Rng(1)))).toEqual({ a: 20, b: 20 });
    expect(count(epochBatches(pools, 10, { mode: 'mixed', ratio: { a: 0, b: 1 } }, new Rng(1)))).toEqual({ b: 40 });
    expect(() => epochBatches(pools, 10, { mode: 'mixed', ratio: { a: 0, b: 0 } }, new Rng(1))).toThrow(/weight of 0/);
  });

  it('draws a task\'s rows without replacement (proportional: every row exactly once per epoch), only from its pool', () => {
    const batches = epochBatches(pools, 10, { mode: 'mixed', ratio: 'proportional' }, new Rng(2));
    for (const b of batches) {
      expect(b.tasks).toHaveLength(1);
      expect(b.rows.every((r) => (pools.get(b.tasks[0] as string) as number[]).includes(r))).toBe(true);
    }
    const seen = batches.flatMap((b) => b.rows).sort((x, y) => x - y);
    expect(seen).toEqual([...(pools.get('a') as number[]), ...(pools.get('b') as number[])]);
    // An up-weighted small task cycles through its rows: each row of b appears twice in 20 batches.
    const cycled = epochBatches(pools, 10, { mode: 'mixed', ratio: 'uniform' }, new Rng(2)).filter((b) => b.tasks[0] === 'b').flatMap((b) => b.rows);
    expect(cycled).toHaveLength(200);
    expect(new Set(cycled).size).toBe(100);
    // Tasks are interleaved, not one after the other.
    expect(batches.slice(0, 20).some((b) => b.tasks[0] === 'b')).toBe(true);
  });

  it('is deterministic in its seed and differs across seeds', () => {
    const s = { mode: 'mixed', ratio: 'proportional' } as const;
    expect(epochBatches(pools, 16, s, new Rng(7))).toEqual(epochBatches(pools, 16, s, new Rng(7)));
    expect(epochBatches(pools, 16, s, new Rng(7))).not.toEqual(epochBatches(pools, 16, s, new Rng(8)));
  });

  it('joint mode: one pass over the union of rows, every batch carrying every task', () => {
    const shared = new Map([
      ['intent', [0, 1, 2, 3, 4]],
      ['slots', [0, 1, 2, 3, 4, 5]],
    ]);
    const batches = epochBatches(shared, 4, { mode: 'joint', ratio: 'proportional' }, new Rng(3));
    expect(batches.map((b) => b.rows.length)).toEqual([4, 2]);
    expect(batches.flatMap((b) => b.rows).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const b of batches) expect(b.tasks).toEqual(['intent', 'slots']);
  });
});
