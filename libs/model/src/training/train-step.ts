import { tf } from '@workbench/tensor';
import type { AdamW } from './adamw.ts';
import { assertFiniteLoss } from './check-finite-loss.ts';
import { clipByGlobalNorm, globalGradNorm } from './clip-grad-norm.ts';
import { computeGradients, type LossFn } from './compute-gradients.ts';
import { GradientAccumulator } from './gradient-accumulator.ts';

export interface TrainStepOptions {
  /** Clip the global gradient norm to this value (torch clip_grad_norm_); 0 or absent: no clipping. */
  clipNorm?: number;
  /** The learning rate of this step (e.g. peak lr x linearWarmupDecay(step)); absent: the optimizer's current one. */
  learningRate?: number;
  /** Named in the TRAINING_DIVERGED error (e.g. the run or stage). */
  where?: string;
}

export interface TrainStepResult {
  /** The loss (mean over micro-batches with accumulation). */
  loss: number;
  /** The global gradient norm before clipping. */
  gradNorm: number;
  /** The optimizer step just taken (1-based). */
  step: number;
}

/**
 * One optimizer step: gradients of `lossFn` (or the mean of several micro-batch losses: gradient accumulation),
 * a NaN/inf check that throws TRAINING_DIVERGED before any weight moves, global-norm clipping, AdamW.
 * Every tensor it creates is freed: live tensors stay constant across steps once the optimizer has its moments.
 */
export function trainStep(lossFn: LossFn | readonly LossFn[], variables: Map<string, tf.Variable>, optimizer: AdamW, options: TrainStepOptions = {}): TrainStepResult {
  const fns = typeof lossFn === 'function' ? [lossFn] : lossFn;
  if (fns.length === 0) throw new Error('trainStep: no loss function');
  const k = fns.length;
  const acc = new GradientAccumulator();
  const step = optimizer.step + 1;
  try {
    for (const fn of fns) {
      // Each micro-batch loss is divided by k so the summed gradients are those of the mean loss.
      const g = computeGradients(k === 1 ? fn : () => tf.tidy(() => tf.div(fn(), k) as tf.Scalar), variables);
      acc.add(g.grads, g.sparse, g.loss * k);
      assertFiniteLoss(g.loss, step, options.where);
    }
  } catch (e) {
    acc.reset();
    throw e;
  }
  const taken = acc.take();
  const loss = taken.losses.reduce((a, b) => a + b, 0) / k;
  let grads = taken.grads;
  let gradNorm: number;
  if (options.clipNorm !== undefined && options.clipNorm > 0) {
    const clipped = clipByGlobalNorm(grads, options.clipNorm, taken.sparse);
    grads = clipped.grads;
    gradNorm = clipped.norm;
  } else {
    gradNorm = globalGradNorm(grads, taken.sparse);
  }
  if (options.learningRate !== undefined) optimizer.learningRate = options.learningRate;
  try {
    optimizer.apply(grads, variables, taken.sparse);
  } finally {
    tf.dispose([...grads.values()]);
  }
  return { loss, gradNorm, step: optimizer.step };
}
