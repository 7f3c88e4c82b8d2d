import { createRng, WorkbenchError, type Rng } from '@workbench/core';
import { quantile } from './percentile.ts';

/** A metric on a subset of rows: rows of labels and rows of predictions in the same order. */
export type RowMetric<Y, P> = (yTrue: Y[], predictions: P[]) => number;

export interface BootstrapOptions {
  /** Number of resamples of the rows (with replacement). */
  resamples?: number;
  /** Coverage of the percentile interval. */
  confidence?: number;
  /** Stream the resamples are drawn from; default `createRng(0).derive('bootstrap')`, so results are reproducible. */
  rng?: Rng;
}

export const DEFAULT_BOOTSTRAP: Required<Omit<BootstrapOptions, 'rng'>> = { resamples: 1000, confidence: 0.95 };

export interface BootstrapInterval {
  /** The metric on the original rows. */
  estimate: number;
  /** Mean over the resamples where the metric is defined. */
  mean: number;
  /** Standard deviation over those resamples (the bootstrap standard error). */
  std: number;
  /** Percentile interval (numpy's linear percentiles of the resampled values). */
  lower: number;
  upper: number;
  confidence: number;
  resamples: number;
  /** Resamples where the metric was undefined (NaN, e.g. no positive drawn) and left out. */
  undefinedResamples: number;
}

export interface PairedBootstrap {
  /** Metric of A and of B on the original rows. */
  a: number;
  b: number;
  /** A - B: estimate on the original rows, mean, std and percentile interval over resamples. */
  difference: BootstrapInterval;
  /** Fraction of (defined) resamples where A's metric exceeds B's; ties count for neither. */
  fractionAGreater: number;
}

/**
 * A metric on resampled rows given as indices into the test set (indices repeat in a bootstrap resample).
 * Lets a metric precompute per-column arrays once (see `macroApByIndex`) instead of rebuilding rows per resample.
 */
export type IndexMetric = (rows: Int32Array) => number;

/** Percentile bootstrap interval of a metric of one method on one test set (rows resampled with replacement). */
export function bootstrapCi<Y, P>(yTrue: readonly Y[], predictions: readonly P[], metric: RowMetric<Y, P>, options: BootstrapOptions = {}): BootstrapInterval {
  checkRows(yTrue, [predictions]);
  return bootstrapCiByIndex(yTrue.length, (idx) => metric(pick(yTrue, idx), pick(predictions, idx)), options);
}

/** `bootstrapCi` for an index metric over `n` test rows. */
export function bootstrapCiByIndex(n: number, metric: IndexMetric, options: BootstrapOptions = {}): BootstrapInterval {
  const { resamples, confidence, rng } = resolve(options, n);
  const values: number[] = [];
  let undefinedResamples = 0;
  for (let r = 0; r < resamples; r++) {
    const v = metric(drawRows(rng, n));
    if (Number.isNaN(v)) undefinedResamples++;
    else values.push(v);
  }
  return summarise(metric(identity(n)), values, confidence, resamples, undefinedResamples);
}

/**
 * Paired bootstrap of the difference of a metric between methods A and B scored on the same test rows: each
 * resample draws the same rows for both, so the interval reflects the difference, not each method's own
 * test-set noise. If the interval excludes 0 the difference is unlikely to be test-set luck.
 */
export function pairedBootstrapCi<Y, P>(
  yTrue: readonly Y[],
  predictionsA: readonly P[],
  predictionsB: readonly P[],
  metric: RowMetric<Y, P>,
  options: BootstrapOptions = {},
): PairedBootstrap {
  checkRows(yTrue, [predictionsA, predictionsB]);
  const on = (predictions: readonly P[]): IndexMetric => (idx) => metric(pick(yTrue, idx), pick(predictions, idx));
  return pairedBootstrapCiByIndex(yTrue.length, on(predictionsA), on(predictionsB), options);
}

/** `pairedBootstrapCi` for index metrics of A and B over the same `n` test rows. */
export function pairedBootstrapCiByIndex(n: number, metricA: IndexMetric, metricB: IndexMetric, options: BootstrapOptions = {}): PairedBootstrap {
  const { resamples, confidence, rng } = resolve(options, n);
  const diffs: number[] = [];
  let greater = 0;
  let undefinedResamples = 0;
  for (let r = 0; r < resamples; r++) {
    const idx = drawRows(rng, n);
    const d = metricA(idx) - metricB(idx);
    if (Number.isNaN(d)) {
      undefinedResamples++;
      continue;
    }
    diffs.push(d);
    if (d > 0) greater++;
  }
  const all = identity(n);
  const a = metricA(all);
  const b = metricB(all);
  return {
    a,
    b,
    difference: summarise(a - b, diffs, confidence, resamples, undefinedResamples),
    fractionAGreater: diffs.length === 0 ? Number.NaN : greater / diffs.length,
  };
}

function checkRows(yTrue: readonly unknown[], predictions: readonly (readonly unknown[])[]): void {
  const where = { source: 'bootstrap' };
  if (!Array.isArray(yTrue) || yTrue.length === 0) throw new WorkbenchError('CONFIG_TYPE', 'yTrue must be a non-empty array of rows', { where });
  predictions.forEach((p, k) => {
    if (!Array.isArray(p) || p.length !== yTrue.length) {
      throw new WorkbenchError('CONFIG_TYPE', `predictions${predictions.length > 1 ? (k === 0 ? ' A' : ' B') : ''} must have one row per row of yTrue (${yTrue.length}), got ${Array.isArray(p) ? p.length : typeof p}`, { where });
    }
  });
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function resolve(options: BootstrapOptions, n: number) {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP.resamples;
  const confidence = options.confidence ?? DEFAULT_BOOTSTRAP.confidence;
  const where = { source: 'bootstrap' };
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new WorkbenchError('CONFIG_TYPE', `resamples must be a positive integer, got ${resamples}`, { where });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new WorkbenchError('CONFIG_TYPE', `confidence must be in (0, 1), got ${confidence}`, { where });
  }
  if (!Number.isInteger(n) || n < 1) throw new WorkbenchError('CONFIG_TYPE', `the test set must have at least one row, got ${n}`, { where });
  return { resamples, confidence, rng: options.rng ?? createRng(0).derive('bootstrap') };
}

function drawRows(rng: Rng, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.int(n);
  return idx;
}

function pick<T>(rows: readonly T[], idx: Int32Array): T[] {
  const out = new Array<T>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = rows[idx[i]];
  return out;
}

function summarise(estimate: number, values: number[], confidence: number, resamples: number, undefinedResamples: number): BootstrapInterval {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / n;
  const std = n < 2 ? Number.NaN : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const tail = (1 - confidence) / 2;
  return { estimate, mean, std, lower: quantile(values, tail), upper: quantile(values, 1 - tail), confidence, resamples, undefinedResamples };
}
