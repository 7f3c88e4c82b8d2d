import { tf } from '@workbench/tensor';
import { columnSum } from './column-sum.ts';
import { erfGeluParts } from './gelu.ts';

/**
 * BERT's feed-forward block, gelu(x W1 + b1) W2 + b2 with the exact erf GELU, as one op whose backward pass keeps
 * only x and the pre-activation u = x W1 + b1 and recomputes the GELU from u. Unfused, the tape keeps u, the GELU's
 * cdf and its output as well: three [rows, ffn] tensors instead of one (the largest activations of a layer).
 * The recomputation (one erf over u) is a few percent of the block's matmuls.
 */
export function feedForward(x: tf.Tensor2D, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor): tf.Tensor2D {
  return feedForwardOp(x, w1, b1, w2, b2) as tf.Tensor2D;
}

// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
const feedForwardOp = tf.customGrad(((x: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const u = tf.fused.matMul({ a: x, b: w1, bias: b1 });
  save([x, u, w1, w2]);
  const g = tf.tidy(() => tf.mul(u, erfGeluParts(u).cdf)) as tf.Tensor2D;
  const value = tf.fused.matMul({ a: g, b: w2, bias: b2 });
  g.dispose();
  return {
    value,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [input, pre, k1, k2] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      return tf.tidy(() => {
        const { cdf, derivative } = erfGeluParts(pre, true);
        const act = tf.mul(pre, cdf) as tf.Tensor2D;
        const du = tf.mul(tf.matMul(dy, k2, false, true), derivative as tf.Tensor) as tf.Tensor2D;
        return [tf.matMul(du, k1, false, true), tf.matMul(input, du, true, false), columnSum(du), tf.matMul(act, dy, true, false), columnSum(dy)];
      });
    },
  };
}) as any);
