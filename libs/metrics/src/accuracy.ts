import { checkClassPair } from './class-labels.ts';

/** Multi-class accuracy: the fraction of rows whose predicted class id equals the true one. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkClassPair(yTrue, yPred, 'accuracy');
  let right = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) right++;
  return right / yTrue.length;
}
