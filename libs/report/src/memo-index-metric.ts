import type { IndexMetric } from '@workbench/metrics';

/**
 * An index metric that remembers its value per resample (keyed by a hash of the row indices). Every bootstrap
 * of one (dataset, scenario) uses the same seeded stream, so the summary interval and every paired comparison
 * draw the same resamples: each run's metric is computed once per resample instead of once per comparison.
 */
export function memoIndexMetric(metric: IndexMetric): IndexMetric {
  const cache = new Map<number, number>();
  return (rows) => {
    const key = resampleKey(rows);
    let v = cache.get(key);
    if (v === undefined) {
      v = metric(rows);
      cache.set(key, v);
    }
    return v;
  };
}

/**
 * A 53-bit key of a resample from its length and first 32 row indices (two 32-bit multiplicative hashes). Two
 * different resamples of n rows share it when their first 32 draws agree (probability n^-32 when n > 32;
 * when n <= 32 the key covers the whole resample) or by a 53-bit hash collision (~1e-10 over 1e3 resamples), so the bootstrap of a large test set costs O(1) per lookup.
 */
export function resampleKey(rows: Int32Array): number {
  let h1 = 0x811c9dc5 ^ rows.length;
  let h2 = 0x9747b28c ^ rows.length;
  const m = Math.min(rows.length, 32);
  for (let i = 0; i < m; i++) {
    h1 = Math.imul(h1 ^ rows[i], 0x01000193);
    h2 = Math.imul(h2 ^ (rows[i] + 0x9e3779b9), 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The mean of several index metrics (one per seed) on the same resampled rows. */
export function meanIndexMetric(metrics: readonly IndexMetric[]): IndexMetric {
  return (rows) => {
    let s = 0;
    for (const m of metrics) s += m(rows);
    return s / metrics.length;
  };
}
