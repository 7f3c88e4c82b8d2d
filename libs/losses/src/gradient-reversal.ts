import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';

/**
 * The gradient-reversal layer of DANN (Ganin & Lempitsky 2015): identity in the forward pass, -lambda * grad in
 * the backward pass, so the features are trained to fool the domain discriminator that sits after it.
 */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda = 1): T {
  if (!Number.isFinite(lambda)) throw new WorkbenchError('CONFIG_TYPE', `gradient reversal lambda must be finite, got ${lambda}`, { where: { path: 'lambda' } });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return { value: tf.clone(input), gradFunc: (dy: tf.Tensor) => tf.mul(dy, -lambda) };
  });
  return op(x) as T;
}

/**
 * DANN's schedule for lambda: 2 / (1 + exp(-gamma * progress)) - 1, from 0 at the start of training to ~1 at the
 * end (`progress` in [0, 1], gamma = 10 in the paper), which keeps the early, noisy discriminator from
 * dominating the features.
 */
export function dannLambda(progress: number, gamma = 10): number {
  const p = Math.min(1, Math.max(0, progress));
  return 2 / (1 + Math.exp(-gamma * p)) - 1;
}
