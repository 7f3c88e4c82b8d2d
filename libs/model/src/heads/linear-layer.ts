import { tf } from '@workbench/tensor';

/**
 * A dense layer's weights as tf.Variables: kernel [in, out] (PyTorch checkpoints store [out, in]: the checkpoint
 * code transposes), bias [out]. Kernel ~ normal(0, std) from an integer seed (BERT's initializer_range 0.02), bias 0.
 */
export function createLinear(prefix: string, inputSize: number, outputSize: number, std: number, seed: number, tfPrefix: string): Map<string, tf.Variable> {
  // tidy frees the initial values; the variables themselves survive it.
  const weight = tf.tidy(() => tf.variable(tf.randomNormal([inputSize, outputSize], 0, std, 'float32', seed), true, `${tfPrefix}/${prefix}.weight`));
  const bias = tf.tidy(() => tf.variable(tf.zeros([outputSize]), true, `${tfPrefix}/${prefix}.bias`));
  return new Map([
    [`${prefix}.weight`, weight],
    [`${prefix}.bias`, bias],
  ]);
}

/** x [rows, in] -> x W + b. */
export function applyLinear(x: tf.Tensor2D, weight: tf.Variable, bias: tf.Variable): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: weight as tf.Tensor2D, bias }) as tf.Tensor2D;
}
