import { averagePrecisionUnchecked } from './average-precision.ts';
import { checkMultiLabelPair, type Matrix } from './matrix.ts';

/**
 * Micro mAP: AP of all (row, label) pairs pooled into one ranking, as scikit-learn's
 * `average_precision_score(y, s, average='micro')`. NaN if `yTrue` has no positive at all.
 */
export function microAveragePrecision(yTrue: Matrix, scores: Matrix): number {
  const labels = checkMultiLabelPair(yTrue, scores, 'microAveragePrecision');
  const n = yTrue.length * labels;
  const y = new Float64Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < yTrue.length; i++) {
    for (let j = 0; j < labels; j++) {
      y[i * labels + j] = yTrue[i][j];
      s[i * labels + j] = scores[i][j];
    }
  }
  return averagePrecisionUnchecked(y, s);
}
