import { binaryCurve } from './binary-curve.ts';
import { macroAverage, type MacroAverage } from './macro-average.ts';
import { checkBinaryVector, checkMultiLabelPair, checkSameLength, checkScoreVector, column, type Matrix } from './matrix.ts';

/**
 * Area under the ROC curve of one label, as scikit-learn's `roc_auc_score`: one curve point per distinct
 * score (ties move TPR and FPR together, i.e. a diagonal segment counted as a trapezoid, worth 1/2 per tied
 * positive-negative pair). NaN when the label has only one class (scikit-learn raises).
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkBinaryVector('yTrue', yTrue, 'rocAuc');
  checkScoreVector('scores', scores, 'rocAuc');
  checkSameLength(yTrue, scores, ['yTrue', 'scores'], 'rocAuc');
  return rocAucUnchecked(yTrue, scores);
}

/** Macro ROC-AUC over labels having both classes in `yTrue`; the others are left out and listed. */
export function macroRocAuc(yTrue: Matrix, scores: Matrix): MacroAverage {
  const labels = checkMultiLabelPair(yTrue, scores, 'macroRocAuc');
  const perLabel: number[] = [];
  for (let j = 0; j < labels; j++) perLabel.push(rocAucUnchecked(column(yTrue, j), column(scores, j)));
  return macroAverage(perLabel);
}

function rocAucUnchecked(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (yTrue.length === 0) return Number.NaN;
  const { tps, fps } = binaryCurve(yTrue, scores);
  const p = tps[tps.length - 1];
  const n = fps[fps.length - 1];
  if (p === 0 || n === 0) return Number.NaN;
  let area = 0;
  let prevTpr = 0;
  let prevFpr = 0;
  for (let k = 0; k < tps.length; k++) {
    const tpr = tps[k] / p;
    const fpr = fps[k] / n;
    area += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    prevTpr = tpr;
    prevFpr = fpr;
  }
  return area;
}
