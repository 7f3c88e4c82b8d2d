import { WorkbenchError } from '@workbench/core';

/**
 * The q-quantile (q in [0, 1]) of the values with linear interpolation between order statistics, as
 * numpy's default `np.percentile(values, 100 * q)`. NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new WorkbenchError('CONFIG_TYPE', `quantile q must be in [0, 1], got ${q}`, { where: { source: 'quantile' } });
  if (values.length === 0) return Number.NaN;
  const bad = values.findIndex((v) => typeof v !== 'number' || Number.isNaN(v));
  if (bad >= 0) throw new WorkbenchError('CONFIG_TYPE', `values[${bad}] must be a number, got ${String(values[bad])}`, { where: { source: 'quantile' } });
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
