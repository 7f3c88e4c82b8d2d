import { tf } from '@workbench/tensor';
import { columnSum } from './column-sum.ts';

/**
 * LayerNorm over the last axis of a [rows, hidden] tensor, as PyTorch computes it: biased variance, eps inside
 * the square root. The gradient is written out (dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * w)
 * so that the backward pass is a handful of kernels instead of autodiff through mean/variance/rsqrt; the weight
 * and bias gradients are column sums by matmul (see columnSum).
 */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  return layerNormOp(x, weight, bias, tf.scalar(eps)) as tf.Tensor2D;
}

/** The normalised rows (x - mean) * rstd and rstd [rows, 1]: what the forward pass keeps for the backward pass. */
export function layerNormStats(x: tf.Tensor, eps: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps));
    return [tf.mul(centered, r), r];
  });
}

/** Gradients of LayerNorm's input, weight and bias from the kept xhat and rstd. */
export function layerNormBackward(dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, weight: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const g = tf.mul(dy, weight);
    const dx = tf.mul(rstd, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))));
    return [dx, columnSum(tf.mul(dy, xhat) as tf.Tensor2D), columnSum(dy as tf.Tensor2D)];
  });
}

// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
const layerNormOp = tf.customGrad(((x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: tf.Tensor, save: tf.GradSaveFunc) => {
  const [xhat, rstd] = layerNormStats(x, eps);
  save([xhat, rstd, weight, eps]);
  return {
    value: tf.add(tf.mul(xhat, weight), bias),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, r, w, e] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return [...layerNormBackward(dy, xh, r, w), tf.zerosLike(e)];
    },
  };
}) as any);
