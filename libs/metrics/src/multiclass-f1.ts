import { checkClassPair } from './class-labels.ts';

export interface MultiClassF1 {
  /** Mean of the per-class F1 over `classes`. */
  value: number;
  /** The classes averaged over, increasing: those present in yTrue or yPred, as scikit-learn. */
  classes: number[];
  /** F1 per entry of `classes`. */
  perClass: number[];
}

/**
 * Multi-class macro F1 as scikit-learn's `f1_score(average='macro')`: classes are the union of those in
 * yTrue and yPred; a class never predicted and never true cannot occur, and a class only predicted scores 0.
 */
export function multiClassMacroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): MultiClassF1 {
  checkClassPair(yTrue, yPred, 'multiClassMacroF1');
  const present = new Set<number>();
  for (let i = 0; i < yTrue.length; i++) {
    present.add(yTrue[i]);
    present.add(yPred[i]);
  }
  const classes = [...present].sort((a, b) => a - b);
  const perClass = classes.map((c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const t = yTrue[i] === c;
      const p = yPred[i] === c;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    return (2 * tp) / (2 * tp + fp + fn);
  });
  return { value: perClass.reduce((a, b) => a + b, 0) / perClass.length, classes, perClass };
}
