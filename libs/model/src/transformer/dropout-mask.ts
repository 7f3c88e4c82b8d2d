import { tf } from '@workbench/tensor';

/**
 * The keep mask that tf.dropout(x, rate, undefined, seed) draws, floor(U[0, 1) + keep), stored as bool (one
 * byte per element on wasm, a quarter of the float multiplier tf.dropout keeps for its gradient). With the same
 * seed, `applyDropoutMask` gives exactly tf.dropout's values, so seeded runs keep their results.
 */
export function dropoutKeepMask(shape: number[], rate: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), 1 - rate)), 'bool'));
}

/** x * mask / keep (inverted dropout), as tf.dropout computes it. */
export function applyDropoutMask(x: tf.Tensor, mask: tf.Tensor, rate: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.div(tf.cast(mask, 'float32'), 1 - rate)));
}

/**
 * Inverted dropout whose backward pass keeps only the bool mask (tf.dropout keeps x, the float multiplier and
 * the temporaries of drawing it on the tape). Identity when `rate` is 0.
 */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (rate === 0) return x;
  // `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const mask = dropoutKeepMask(input.shape, rate, seed);
    save([mask]);
    return {
      value: applyDropoutMask(input, mask, rate),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => applyDropoutMask(dy, saved[0] as tf.Tensor, rate),
    };
  }) as any) as (input: tf.Tensor) => tf.Tensor;
  return op(x);
}
