import { macroAverage, type MacroAverage } from './macro-average.ts';
import { checkMultiLabelPair, type Matrix } from './matrix.ts';
import { binarize, DEFAULT_THRESHOLD } from './threshold.ts';

/**
 * Multi-label macro F1 at a threshold (score > threshold). Per label F1 = 2 TP / (2 TP + FP + FN), as
 * scikit-learn's `f1_score(average=None)`; labels without a positive in `yTrue` are left out of the mean.
 */
export function macroF1(yTrue: Matrix, scores: Matrix, threshold = DEFAULT_THRESHOLD): MacroAverage {
  const labels = checkMultiLabelPair(yTrue, scores, 'macroF1');
  const predicted = binarize(scores, threshold);
  const perLabel: number[] = [];
  for (let j = 0; j < labels; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const t = yTrue[i][j];
      const p = predicted[i][j];
      if (t === 1 && p === 1) tp++;
      else if (p === 1) fp++;
      else if (t === 1) fn++;
    }
    perLabel.push(tp + fn === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + fn));
  }
  return macroAverage(perLabel);
}
