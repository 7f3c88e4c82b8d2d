import { tf } from '@workbench/tensor';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Phi(x) = 0.5 (1 + erf(x / sqrt 2)) and, when asked, the GELU's derivative Phi(x) + x phi(x). */
export function erfGeluParts(x: tf.Tensor, withDerivative = false): { cdf: tf.Tensor; derivative?: tf.Tensor } {
  const cdf = tf.tidy(() => tf.erf(tf.mul(x, SQRT1_2)).add(1).mul(0.5));
  if (!withDerivative) return { cdf };
  return { cdf, derivative: geluDerivative(x, cdf) };
}

function geluDerivative(x: tf.Tensor, cdf: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const pdf = tf.exp(tf.mul(tf.square(x), -0.5)).mul(INV_SQRT_2PI);
    return tf.add(cdf, tf.mul(x, pdf));
  });
}

/**
 * The exact GELU of BERT (`hidden_act: "gelu"`): x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), not the tanh
 * approximation (which moves BERT's outputs by ~8e-4). tfjs has no GELU op, so this is tf.erf with an analytic
 * gradient, Phi(x) + x phi(x): one fused expression instead of autodiff through five element-wise ops.
 */
// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
export const gelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const { cdf } = erfGeluParts(x);
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, phi] = saved as [tf.Tensor, tf.Tensor];
      return tf.mul(dy, geluDerivative(input, phi));
    },
  };
}) as any) as (x: tf.Tensor) => tf.Tensor;
