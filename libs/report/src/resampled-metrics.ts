/**
 * The test-row bootstrap of a report, computed once per (dataset, scenario): the resamples are drawn once, as
 * row multiplicities (how often each test row was drawn), and every run's metric is evaluated on them, so the
 * interval of each cell and every paired comparison read the same per-resample values.
 * The draws are those of `bootstrapCiByIndex` / `pairedBootstrapCiByIndex` in @workbench/metrics with the same
 * stream (n calls of `rng.int(n)` per resample), and the metric arithmetic is that of `macroApByIndex`, so the
 * intervals are bit-identical to theirs; only faster (no per-resample sort, hashing or copies; many resamples
 * updated per row visited).
 */
import type { Rng } from '@workbench/core';
import { checkMultiLabelPair, column, quantile, type Matrix } from '@workbench/metrics';

/**
 * A block of resamples as row multiplicities, row-major: `counts[i * width + r]` is how many times test row i
 * was drawn in resample r of the block. A metric walking the rows in its own order reads, for each row, one
 * contiguous run of `width` counts and updates `width` resamples at once.
 */
export interface ResampleBlock {
  counts: Int32Array;
  width: number;
}

/** A metric of one run on each resample of a block: writes `out[offset + r]` for r < width (NaN: undefined). */
export type BlockMetric = (block: ResampleBlock, out: Float64Array, offset: number) => void;

/** A run's metric on every resample, and on the original rows. */
export interface ResampledValues {
  /** One value per resample (NaN where the metric is undefined on it, e.g. no positive drawn). */
  values: Float64Array;
  /** On the original rows (every row once). */
  estimate: number;
}

/**
 * Macro mAP (mean AP over the labels with a drawn positive) on blocks of resamples. Each label's rows are sorted
 * by score once and cut into thresholds (distinct scores; ties share one). Only thresholds holding a positive
 * can raise recall: the walk adds the multiplicities of the negatives ranked at or above each one (running sums
 * per resample) and of its positives, and computes precision and recall there for the resamples that drew one
 * of its positives. A threshold where only negatives were drawn adds exactly 0 to AP in the full computation,
 * so each value is that of `macroApByIndex` / `macroAveragePrecision` on the resampled rows, bit for bit
 * (integer counts, the same floating-point operations in the same order).
 */
export function macroApByCounts(yTrue: Matrix, scores: Matrix): BlockMetric {
  const labels = checkMultiLabelPair(yTrue, scores, 'macroApByCounts');
  const n = yTrue.length;
  // Per label: positive and negative rows in score order; per threshold holding a positive, where its positives
  // end in `posRows` and how many negatives rank at or above it.
  const posRows: Int32Array[] = [];
  const negRows: Int32Array[] = [];
  const posEnd: Int32Array[] = [];
  const negEnd: Int32Array[] = [];
  for (let j = 0; j < labels; j++) {
    const s = column(scores, j);
    const y = column(yTrue, j);
    // The order and tie rule of macroApByIndex's rankDistinct (equal scores, and -0 and 0, share a threshold).
    const o = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a]);
    const pos: number[] = [];
    const neg: number[] = [];
    const pe: number[] = [];
    const ne: number[] = [];
    let thresholdHasPositive = false;
    for (let k = 0; k < n; k++) {
      const i = o[k] as number;
      if (y[i] === 1) {
        pos.push(i);
        thresholdHasPositive = true;
      } else neg.push(i);
      const last = k === n - 1 || !(s[o[k + 1] as number] === s[i]);
      if (last && thresholdHasPositive) {
        pe.push(pos.length);
        ne.push(neg.length);
      }
      if (last) thresholdHasPositive = false;
    }
    posRows.push(Int32Array.from(pos));
    negRows.push(Int32Array.from(neg));
    posEnd.push(Int32Array.from(pe));
    negEnd.push(Int32Array.from(ne));
  }
  let state = new Float64Array(0);
  return ({ counts, width: w }, out, offset) => {
    if (state.length < 7 * w) state = new Float64Array(7 * w);
    const drawnPositives = state.subarray(0, w);
    const tp = state.subarray(w, 2 * w);
    const fp = state.subarray(2 * w, 3 * w);
    const prevRecall = state.subarray(3 * w, 4 * w);
    const ap = state.subarray(4 * w, 5 * w);
    const sum = state.subarray(5 * w, 6 * w);
    const used = state.subarray(6 * w, 7 * w);
    sum.fill(0);
    used.fill(0);
    for (let j = 0; j < labels; j++) {
      const pos = posRows[j] as Int32Array;
      const neg = negRows[j] as Int32Array;
      const pe = posEnd[j] as Int32Array;
      const ne = negEnd[j] as Int32Array;
      drawnPositives.fill(0);
      for (let t = 0; t < pos.length; t++) {
        const base = (pos[t] as number) * w;
        for (let r = 0; r < w; r++) drawnPositives[r] += counts[base + r] as number;
      }
      tp.fill(0);
      fp.fill(0);
      prevRecall.fill(0);
      ap.fill(0);
      let p = 0;
      let q = 0;
      for (let t = 0; t < pe.length; t++) {
        for (const negUpTo = ne[t] as number; q < negUpTo; q++) {
          const base = (neg[q] as number) * w;
          for (let r = 0; r < w; r++) fp[r] += counts[base + r] as number;
        }
        const first = p;
        p = pe[t] as number;
        // Branch-free over resamples: where none of the threshold's positives was drawn, tp is unchanged, so
        // recall equals prevRecall exactly and AP gains 0 * precision = 0 (precision's denominator is kept
        // non-zero: it is 0 only when nothing at or above the threshold was drawn, and then tp is 0 too).
        // Where the label drew no positive at all (0 / 0 recall), the label is left out below.
        if (p - first === 1) {
          const base = (pos[first] as number) * w;
          for (let r = 0; r < w; r++) {
            const tpr = (tp[r] as number) + (counts[base + r] as number);
            tp[r] = tpr;
            const recall = tpr / (drawnPositives[r] as number);
            ap[r] += (recall - (prevRecall[r] as number)) * (tpr / (tpr + (fp[r] as number) || 1));
            prevRecall[r] = recall;
          }
        } else {
          for (let r = 0; r < w; r++) {
            let drawn = 0;
            for (let k = first; k < p; k++) drawn += counts[(pos[k] as number) * w + r] as number;
            const tpr = (tp[r] as number) + drawn;
            tp[r] = tpr;
            const recall = tpr / (drawnPositives[r] as number);
            ap[r] += (recall - (prevRecall[r] as number)) * (tpr / (tpr + (fp[r] as number) || 1));
            prevRecall[r] = recall;
          }
        }
      }
      for (let r = 0; r < w; r++) {
        if (drawnPositives[r] === 0) continue;
        sum[r] += ap[r] as number;
        used[r]++;
      }
    }
    for (let r = 0; r < w; r++) out[offset + r] = used[r] === 0 ? Number.NaN : (sum[r] as number) / (used[r] as number);
  };
}

/** Resamples per block: a block's multiplicities (n x 128 counts) stay in cache while every run reads them. */
const BLOCK = 128;

/**
 * Every metric on the same `resamples` resamples of `n` rows drawn from `rng` (as bootstrapCiByIndex draws
 * them: n calls of rng.int(n) per resample, resample after resample), and on the original rows. Resamples are
 * drawn block by block, and each block is evaluated by every metric before the next is drawn.
 */
export function valuesOnResamples(n: number, metrics: readonly BlockMetric[], resamples: number, rng: Rng): ResampledValues[] {
  const out = metrics.map(() => ({ values: new Float64Array(resamples), estimate: Number.NaN }));
  const counts = new Int32Array(n * Math.min(BLOCK, resamples));
  for (let start = 0; start < resamples; start += BLOCK) {
    const width = Math.min(BLOCK, resamples - start);
    counts.fill(0);
    for (let r = 0; r < width; r++) for (let i = 0; i < n; i++) counts[rng.int(n) * width + r]++;
    for (let m = 0; m < metrics.length; m++) (metrics[m] as BlockMetric)({ counts, width }, (out[m] as ResampledValues).values, start);
  }
  const once = { counts: new Int32Array(n).fill(1), width: 1 };
  const estimate = new Float64Array(1);
  for (let m = 0; m < metrics.length; m++) {
    (metrics[m] as BlockMetric)(once, estimate, 0);
    (out[m] as ResampledValues).estimate = estimate[0] as number;
  }
  return out;
}

/** The mean over seeds per resample (summed in the given order, as meanIndexMetric does). */
export function meanOverSeeds(runs: readonly ResampledValues[]): ResampledValues {
  const resamples = runs[0]?.values.length ?? 0;
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (const run of runs) s += run.values[r] as number;
    values[r] = s / runs.length;
  }
  let e = 0;
  for (const run of runs) e += run.estimate;
  return { values, estimate: e / runs.length };
}

/** Percentile interval over the resamples where the value is defined (numpy's linear percentiles, as metrics' bootstrap). */
export function percentileInterval(values: ArrayLike<number>, confidence: number): { lower: number; upper: number; defined: number } {
  const defined: number[] = [];
  for (let r = 0; r < values.length; r++) if (!Number.isNaN(values[r])) defined.push(values[r] as number);
  const tail = (1 - confidence) / 2;
  return { lower: quantile(defined, tail), upper: quantile(defined, 1 - tail), defined: defined.length };
}

/** A - B on the same resamples: the difference's interval and how often A wins (ties count for neither), as pairedBootstrapCiByIndex. */
export function pairedDifference(a: ResampledValues, b: ResampledValues, confidence: number): { estimate: number; lower: number; upper: number; fractionAGreater: number } {
  const diffs: number[] = [];
  let greater = 0;
  for (let r = 0; r < a.values.length; r++) {
    const d = (a.values[r] as number) - (b.values[r] as number);
    if (Number.isNaN(d)) continue;
    diffs.push(d);
    if (d > 0) greater++;
  }
  const ci = percentileInterval(diffs, confidence);
  return { estimate: a.estimate - b.estimate, lower: ci.lower, upper: ci.upper, fractionAGreater: diffs.length === 0 ? Number.NaN : greater / diffs.length };
}

/** (A - B) / B on the same resamples: its interval over the resamples where it is finite. */
export function relativeInterval(a: ResampledValues, b: ResampledValues, confidence: number): { lower: number; upper: number } {
  const rel: number[] = [];
  for (let r = 0; r < a.values.length; r++) {
    const v = ((a.values[r] as number) - (b.values[r] as number)) / (b.values[r] as number);
    if (Number.isFinite(v)) rel.push(v);
  }
  const ci = percentileInterval(rel, confidence);
  return { lower: ci.lower, upper: ci.upper };
}
