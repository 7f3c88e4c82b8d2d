import { tf } from '@workbench/tensor';
import { logitsAndLabels, optionalLike } from './input-checks.ts';
import type { LossInputs } from './loss-types.ts';

/** The per-label positive (P) and unlabelled (U) masks of a batch, and whether each is non-empty. */
export interface PuSplit {
  logits: tf.Tensor2D;
  /** [B, L] 1 = observed positive of the label (and not masked). */
  p: tf.Tensor2D;
  /** [B, L] 1 = unlabelled for the label (hidden positive or negative, not masked). */
  u: tf.Tensor2D;
  /** [L] boolean: P has at least one row. */
  hasP: tf.Tensor1D;
  /** [L] boolean: U has at least one row. */
  hasU: tf.Tensor1D;
}

/** Splits a batch into P and U per label from `labels` (1 = observed positive), honouring `mask`. */
export function puSplit(inputs: LossInputs, loss: string): PuSplit {
  const { logits, labels } = logitsAndLabels(inputs, loss);
  // Masks must not depend on the logits: a comparison op on the gradient tape makes tf.grad fail.
  const mask = optionalLike(inputs, 'mask', logits, loss) ?? tf.ones(logits.shape);
  const p = tf.mul(labels, mask) as tf.Tensor2D;
  const u = tf.mul(tf.sub(1, labels), mask) as tf.Tensor2D;
  return { logits, p, u, hasP: tf.greater(tf.sum(p, 0), 0) as tf.Tensor1D, hasU: tf.greater(tf.sum(u, 0), 0) as tf.Tensor1D };
}
