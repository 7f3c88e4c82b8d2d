import { tf } from '@workbench/tensor';

// tfjs has no stop_gradient op: an identity whose gradient is zero does the same.
const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** Identity in the forward pass, zero gradient: the value takes part in the loss but nothing is learnt through it. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
