import { binaryCurve } from './binary-curve.ts';
import { checkBinaryVector, checkSameLength, checkScoreVector } from './matrix.ts';

/**
 * Average precision of one label from scores, with scikit-learn's `average_precision_score` semantics:
 * AP = sum_n (R_n - R_{n-1}) P_n over the distinct score thresholds in decreasing order (R_0 = 0), so a
 * group of tied scores enters as one step. No interpolation.
 *
 * A label with no positive has no defined AP: this returns NaN (scikit-learn returns 0 with a warning),
 * so that callers leave it out of averages instead of counting a zero.
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkBinaryVector('yTrue', yTrue, 'averagePrecision');
  checkScoreVector('scores', scores, 'averagePrecision');
  checkSameLength(yTrue, scores, ['yTrue', 'scores'], 'averagePrecision');
  return averagePrecisionUnchecked(yTrue, scores);
}

/** `averagePrecision` without input validation, for callers that validated a whole matrix once. */
export function averagePrecisionUnchecked(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (yTrue.length === 0) return Number.NaN;
  const { tps, fps } = binaryCurve(yTrue, scores);
  const positives = tps[tps.length - 1];
  if (positives === 0) return Number.NaN;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const recall = tps[k] / positives;
    const precision = tps[k] / (tps[k] + fps[k]);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}
