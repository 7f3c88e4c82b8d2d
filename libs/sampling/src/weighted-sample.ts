import { WorkbenchError, type Rng } from '@workbench/core';

/**
 * k distinct items drawn without replacement with probability proportional to their weights, one at a time
 * from the remaining weight (successive sampling). numpy's `choice(p=..., replace=False)` draws from this
 * same distribution. Weights are non-negative with at least k positive.
 */
export function weightedSampleWithoutReplacement<T>(items: readonly T[], weights: readonly number[], k: number, rng: Rng): T[] {
  const where = { source: 'weightedSampleWithoutReplacement' };
  if (weights.length !== items.length) throw new WorkbenchError('CONFIG_TYPE', `${weights.length} weights for ${items.length} items`, { where });
  const bad = weights.findIndex((v) => !(v >= 0 && Number.isFinite(v)));
  if (bad >= 0) throw new WorkbenchError('CONFIG_TYPE', `weights[${bad}] must be a finite number >= 0, got ${String(weights[bad])}`, { where });
  const drawable = weights.filter((v) => v > 0).length;
  if (!Number.isInteger(k) || k < 0 || k > drawable) {
    throw new WorkbenchError('CONFIG_TYPE', `k must be an integer in 0..${drawable} (items with positive weight), got ${String(k)}`, { where });
  }
  const w = weights.slice();
  const out: T[] = [];
  for (let draw = 0; draw < k; draw++) {
    let total = 0;
    for (const v of w) total += v;
    let u = rng.next() * total;
    let pick = -1;
    for (let i = 0; i < w.length; i++) {
      if (w[i] <= 0) continue;
      pick = i;
      u -= w[i];
      if (u < 0) break;
    }
    out.push(items[pick]);
    w[pick] = 0;
  }
  return out;
}
