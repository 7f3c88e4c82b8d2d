import { checkMultiLabelPair, type Matrix } from './matrix.ts';
import { binarize, DEFAULT_THRESHOLD } from './threshold.ts';

/**
 * Subset (exact-match) accuracy: the fraction of rows whose thresholded predictions equal their labels on
 * every label, as scikit-learn's `accuracy_score` on multi-label indicator matrices.
 */
export function subsetAccuracy(yTrue: Matrix, scores: Matrix, threshold = DEFAULT_THRESHOLD): number {
  const labels = checkMultiLabelPair(yTrue, scores, 'subsetAccuracy');
  const predicted = binarize(scores, threshold);
  let exact = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let same = true;
    for (let j = 0; j < labels && same; j++) same = yTrue[i][j] === predicted[i][j];
    if (same) exact++;
  }
  return exact / yTrue.length;
}
