import { tf } from '@workbench/tensor';
import { stopGradient } from './stop-gradient.ts';

// Numerically stable building blocks shared by the losses. Everything works from logits: sigmoid scores of
// confident models underflow in float32 (sigmoid(-104) = 0), so log s is never computed as log(sigmoid(x)).

/** log sigmoid(x) = -softplus(-x); exact for any x (softplus is thresholded on both backends). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/** Elementwise BCE from logits, y*softplus(-x) + (1-y)*softplus(x): no cancellation, exact gradient sigmoid(x)-y at 0. */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const pos = tf.mul(targets, tf.softplus(tf.neg(logits)));
  const neg = tf.mul(tf.sub(1, targets), tf.softplus(logits));
  return tf.add(pos, neg);
}

/** Binary entropy of sigmoid(x) in nats: s*softplus(-x) + (1-s)*softplus(x). */
export function binaryEntropyFromLogits(logits: tf.Tensor): tf.Tensor {
  return bceWithLogits(logits, tf.sigmoid(logits));
}

/**
 * sqrt with value 0 and gradient 0 at 0 (plain sqrt has an infinite gradient there, which turns into NaN).
 * The branch uses `step`, which has a (zero) gradient: a comparison op on the tape would make tf.grad fail.
 */
export function safeSqrt(x: tf.Tensor): tf.Tensor {
  const positive = tf.step(x);
  const safe = tf.add(tf.mul(x, positive), tf.sub(1, positive));
  return tf.mul(tf.sqrt(safe), positive);
}

/** Per-column count of mask entries, clamped to >= 1 so that means of empty columns are 0 / 1 = 0. */
export function columnCount(mask: tf.Tensor2D): tf.Tensor1D {
  return tf.maximum(tf.sum(mask, 0), 1) as tf.Tensor1D;
}

/** Per-column mean of `values` over rows where `mask` is 1 ([B, L] -> [L]); 0 for a column with no such row. */
export function maskedColumnMean(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.div(tf.sum(tf.mul(values, mask), 0), columnCount(mask)) as tf.Tensor1D;
}

/** A large negative stand-in for log 0: exp of it minus any finite max is exactly 0 in float32, and it stays finite (no inf * 0 = NaN in gradients). */
const LOG_ZERO = -1e9;

/**
 * Per-column log(mean over rows where mask = 1 of exp(values)), by log-sum-exp ([B, L] -> [L]).
 * A column with no such row gives an arbitrary finite value: callers zero it out with their own emptiness test.
 */
export function maskedColumnLogMeanExp(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  const inMask = tf.greater(mask, 0);
  const shifted = tf.where(inMask, values, tf.fill(values.shape, LOG_ZERO));
  // The max is a constant shift (its gradient cancels exactly), so it is taken outside the tape.
  const max = stopGradient(tf.max(shifted, 0));
  const sumExp = tf.sum(tf.exp(tf.sub(shifted, max)), 0);
  return tf.sub(tf.add(max, tf.log(sumExp)), tf.log(columnCount(mask))) as tf.Tensor1D;
}

