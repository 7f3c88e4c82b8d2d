import { WorkbenchError } from '@workbench/core';
import { checkSameLength, checkScoreMatrix, type Matrix } from './matrix.ts';

/** Throws unless `y` is a non-empty array of non-negative integer class ids. */
export function checkClassVector(name: string, y: ArrayLike<number>, where: string): void {
  if (y == null || typeof y.length !== 'number') {
    throw new WorkbenchError('CONFIG_TYPE', `${name} must be an array of class ids`, { where: { source: where } });
  }
  if (y.length === 0) throw new WorkbenchError('CONFIG_TYPE', `${name} is empty`, { where: { source: where } });
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new WorkbenchError('CONFIG_TYPE', `${name}[${i}] must be a non-negative integer class id, got ${String(v)}`, { where: { source: where } });
    }
  }
}

export function checkClassPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, where: string): void {
  checkClassVector('yTrue', yTrue, where);
  checkClassVector('yPred', yPred, where);
  checkSameLength(yTrue, yPred, ['yTrue', 'yPred'], where);
}

/** The predicted class of each row of a rows x classes score matrix (first maximum on ties, as numpy). */
export function argmaxRows(scores: Matrix): Int32Array {
  const classes = checkScoreMatrix('scores', scores, 'argmaxRows');
  const out = new Int32Array(scores.length);
  scores.forEach((row, i) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    out[i] = best;
  });
  return out;
}
