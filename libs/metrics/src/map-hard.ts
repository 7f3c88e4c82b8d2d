import { averagePrecisionUnchecked } from './average-precision.ts';
import { macroAverage, type MacroAverage } from './macro-average.ts';
import { checkMultiLabelPair, column, type Matrix } from './matrix.ts';
import { binarize, DEFAULT_THRESHOLD } from './threshold.ts';

/**
 * The reference code's "mAP": macro AP of 0/1 predictions (score > threshold) instead of scores. With two
 * score levels the PR curve has two points, so per label AP = precision * recall + (1 - recall) * positive
 * rate (precision and recall of the thresholded predictions). Reported for comparison with the paper's
 * numbers, never as the main figure: it rewards the threshold, not the ranking. Labels without a positive
 * are left out as in `macroAveragePrecision`.
 */
export function mapHard(yTrue: Matrix, scores: Matrix, threshold = DEFAULT_THRESHOLD): MacroAverage {
  const labels = checkMultiLabelPair(yTrue, scores, 'mapHard');
  const predicted = binarize(scores, threshold);
  const perLabel: number[] = [];
  for (let j = 0; j < labels; j++) perLabel.push(averagePrecisionUnchecked(column(yTrue, j), column(predicted, j)));
  return macroAverage(perLabel);
}
