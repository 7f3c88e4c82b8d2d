import { tf } from '@workbench/tensor';

const C = Math.sqrt(2 / Math.PI);

/** GPT-2's activation (`activation_function: "gelu_new"`): the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluNew(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(C, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))));
}
