import { tf } from '@workbench/tensor';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The exact GELU of BERT (`hidden_act: "gelu"`): x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), not the tanh
 * approximation (which moves BERT's outputs by ~8e-4). tfjs has no GELU op, so this is tf.erf with an analytic
 * gradient, Phi(x) + x phi(x): one fused expression instead of autodiff through five element-wise ops.
 */
// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
export const gelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const cdf = tf.tidy(() => tf.erf(tf.mul(x, SQRT1_2)).add(1).mul(0.5));
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, phi] = saved as [tf.Tensor, tf.Tensor];
      const pdf = tf.exp(tf.mul(tf.square(input), -0.5)).mul(INV_SQRT_2PI);
      return tf.mul(dy, tf.add(phi, tf.mul(input, pdf)));
    },
  };
}) as any) as (x: tf.Tensor) => tf.Tensor;
