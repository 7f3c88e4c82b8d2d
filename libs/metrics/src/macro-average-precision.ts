import { averagePrecisionUnchecked } from './average-precision.ts';
import { macroAverage, type MacroAverage } from './macro-average.ts';
import { checkMultiLabelPair, column, type Matrix } from './matrix.ts';

/** AP of every label (NaN for a label with no positive in `yTrue`). */
export function perLabelAveragePrecision(yTrue: Matrix, scores: Matrix): number[] {
  const labels = checkMultiLabelPair(yTrue, scores, 'perLabelAveragePrecision');
  return perLabelApUnchecked(yTrue, scores, labels);
}

/**
 * Macro mAP: the mean of per-label AP over the labels that have at least one positive in `yTrue`; the
 * others are left out (and listed in `labelsLeftOut`) rather than counted as 0 as scikit-learn does.
 * On data where every label has a positive, equals `average_precision_score(y, s, average='macro')`.
 */
export function macroAveragePrecision(yTrue: Matrix, scores: Matrix): MacroAverage {
  const labels = checkMultiLabelPair(yTrue, scores, 'macroAveragePrecision');
  return macroAverage(perLabelApUnchecked(yTrue, scores, labels));
}

export function perLabelApUnchecked(yTrue: Matrix, scores: Matrix, labels: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < labels; j++) out.push(averagePrecisionUnchecked(column(yTrue, j), column(scores, j)));
  return out;
}
