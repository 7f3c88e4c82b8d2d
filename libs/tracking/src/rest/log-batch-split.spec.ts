import { describe, expect, it } from '@jest/globals';
import { splitLogBatch } from './log-batch-split.ts';
import { LOG_BATCH_LIMITS } from './mlflow-rest-types.ts';

const kv = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

describe('splitLogBatch', () => {
  it('respects every server limit and keeps every entry exactly once, in order', () => {
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    const params = kv('p', 250);
    const tags = kv('t', 130);
    const batches = splitLogBatch({ metrics, params, tags });
    for (const b of batches) {
      expect((b.metrics ?? []).length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
      expect((b.params ?? []).length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
      expect((b.tags ?? []).length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
      expect((b.metrics ?? []).length + (b.params ?? []).length + (b.tags ?? []).length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.total);
      // Metric points never share a batch with params or tags (see the file's comment).
      if (b.metrics) expect(b.params ?? b.tags).toBeUndefined();
    }
    expect(batches.flatMap((b) => b.metrics ?? [])).toEqual(metrics);
    expect(batches.flatMap((b) => b.params ?? [])).toEqual(params);
    expect(batches.flatMap((b) => b.tags ?? [])).toEqual(tags);
    expect(batches.map((b) => [b.params?.length ?? 0, b.tags?.length ?? 0, b.metrics?.length ?? 0])).toEqual([
      [100, 100, 0],
      [100, 30, 0],
      [50, 0, 0],
      [0, 0, 1000],
      [0, 0, 1000],
      [0, 0, 500],
    ]);
  });

  it('never sends a param key twice in one batch; a conflicting value is an error naming the key', () => {
    const batches = splitLogBatch({ params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    expect(batches).toEqual([{ params: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }]);
    expect(() => splitLogBatch({ params: [{ key: 'lr', value: '1' }, { key: 'lr', value: '2' }] })).toThrow(/param 'lr' is given twice with different values \('1' and '2'\)/);
  });

  it('a later tag value replaces an earlier one; an empty batch sends nothing', () => {
    expect(splitLogBatch({ tags: [{ key: 'k', value: 'a' }, { key: 'k', value: 'b' }] })).toEqual([{ tags: [{ key: 'k', value: 'b' }] }]);
    expect(splitLogBatch({})).toEqual([]);
  });
});
