import { tf } from '@workbench/tensor';

/** The label of positions a loss ignores (PyTorch CrossEntropyLoss's default ignore_index, used by HF). */
export const IGNORE_INDEX = -100;

/**
 * Softmax cross-entropy over the last axis, averaged over the positions whose label is not IGNORE_INDEX
 * (torch CrossEntropyLoss(ignore_index=-100), reduction mean). logits [..., classes], labels int32 [...].
 * When every position is ignored the loss is 0 (PyTorch gives NaN, which would stop training for no reason).
 */
export function maskedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1] as number;
    const flatLogits = logits.reshape([-1, classes]) as tf.Tensor2D;
    const flatLabels = tf.cast(labels.reshape([-1]), 'int32') as tf.Tensor1D;
    const keep = tf.cast(tf.notEqual(flatLabels, IGNORE_INDEX), 'float32');
    const safeLabels = tf.maximum(flatLabels, tf.scalar(0, 'int32')) as tf.Tensor1D;
    const logProbs = tf.logSoftmax(flatLogits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(safeLabels, classes)), 1);
    const count = tf.maximum(tf.sum(keep), 1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), count) as tf.Scalar;
  });
}
