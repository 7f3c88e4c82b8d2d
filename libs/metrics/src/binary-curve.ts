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

/**
 * Inputs are assumed validated (0/1 labels, finite scores, same length, at least one row). Positive and negative
 * scores are sorted separately with the native numeric sort and merged from the top, which is several times
 * faster than sorting indices with a comparator (it matters inside a bootstrap). `===` groups -0 with 0.
 */
export function binaryCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): BinaryCurve {
  const n = yTrue.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += yTrue[i];
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (yTrue[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    tps[k] = tp;
    fps[k] = fp;
    thresholds[k] = t;
    k++;
  }
  return { tps: tps.subarray(0, k), fps: fps.subarray(0, k), thresholds: thresholds.subarray(0, k) };
}
