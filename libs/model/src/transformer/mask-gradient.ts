import { tf } from '@workbench/tensor';

/**
 * Identity in the forward pass; multiplies the incoming gradient by `keep` (broadcast) in the backward pass.
 * Mirrors PyTorch's nn.Embedding(padding_idx=...): the padding row is looked up normally but never receives a
 * gradient, so it stays what it was (zero in every HF checkpoint).
 */
// `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
export const maskGradient = tf.customGrad(((x: tf.Tensor, keep: tf.Tensor, save: tf.GradSaveFunc) => {
  save([keep]);
  return {
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [k] = saved as [tf.Tensor];
      return [tf.mul(dy, k), tf.zerosLike(k)];
    },
  };
}) as any) as (x: tf.Tensor, keep: tf.Tensor) => tf.Tensor;
