import { tf } from '@workbench/tensor';
import { columnSum } from './column-sum.ts';

/**
 * x [rows, in] @ kernel [in, out] + bias, as one fused kernel, with the gradient written out so the bias
 * gradient is a matmul (`columnSum`) rather than an axis-0 reduction. dx and dKernel use the transpose flags,
 * which the wasm kernel fix turns into an explicit transpose + the plain (fast) kernel.
 */
export function linear(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return linearOp(x, kernel, bias) as tf.Tensor2D;
}

// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
const linearOp = tf.customGrad(((x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, kernel]);
  return {
    value: tf.fused.matMul({ a: x, b: kernel, bias }),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [input, w] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, w, false, true), tf.matMul(input, dy, true, false), columnSum(dy)];
    },
  };
}) as any);
