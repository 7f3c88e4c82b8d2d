/**
 * The cumulative counts behind precision-recall and ROC curves, as scikit-learn's `_binary_clf_curve`:
 * rows sorted by decreasing score, one point per DISTINCT score (tied rows enter together), with the
 * true and false positives counted at or above that score. Grouping ties is what makes AP and ROC-AUC
 * independent of the order of tied rows.
 */
export interface BinaryCurve {
  /** True positives with score >= thresholds[k]. */
  tps: Float64Array;
  /** False positives with score >= thresholds[k]. */
  fps: Float64Array;
  /** The distinct scores, decreasing. */
  thresholds: Float64Array;
}

/** Inputs are assumed validated (0/1 labels, finite scores, same length, at least one row). */
export function binaryCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): BinaryCurve {
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (yTrue[i] === 1) tp++;
    else fp++;
    // Close a point at the last row of each group of equal scores.
    if (k === n - 1 || scores[order[k + 1]] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i]);
    }
  }
  return { tps: Float64Array.from(tps), fps: Float64Array.from(fps), thresholds: Float64Array.from(thresholds) };
}
