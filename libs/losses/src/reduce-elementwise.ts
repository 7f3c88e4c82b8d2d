import { tf } from '@workbench/tensor';

/**
 * How an elementwise [B, L] loss becomes a scalar.
 * - `mean`: mean over the entries that count (PyTorch's BCEWithLogitsLoss; weights scale entries but do not
 *   change the denominator, as in PyTorch).
 * - `label-sum`: per label, mean over its rows that count; summed over labels (the scale of the variational
 *   losses, which are summed over labels, so that weights between them mean the same for any L).
 */
export const ELEMENTWISE_REDUCTIONS = ['mean', 'label-sum'] as const;
export type ElementwiseReduction = (typeof ELEMENTWISE_REDUCTIONS)[number];

export interface ReduceOptions {
  /** [B, L] 1 = the entry counts. */
  mask?: tf.Tensor;
  /** [L] or [B, L] entry weights. */
  weights?: tf.Tensor;
  reduction: ElementwiseReduction;
  /** Multiplies the result (the config's `weight`). */
  scale: number;
}

/** Reduces [B, L] values to the loss and its per-label parts (which sum to the loss). All-masked gives 0. */
export function reduceElementwise(values: tf.Tensor2D, options: ReduceOptions): { loss: tf.Scalar; perLabel: tf.Tensor1D } {
  const mask = options.mask ?? tf.ones(values.shape);
  const weighted = options.weights === undefined ? tf.mul(values, mask) : tf.mul(tf.mul(values, mask), options.weights);
  const sums = tf.sum(weighted, 0);
  const denominator = options.reduction === 'mean' ? tf.maximum(tf.sum(mask), 1) : tf.maximum(tf.sum(mask, 0), 1);
  const perLabel = tf.mul(tf.div(sums, denominator), options.scale) as tf.Tensor1D;
  return { loss: tf.sum(perLabel) as tf.Scalar, perLabel };
}
