import { tf } from '@workbench/tensor';
import { applyDropoutMask, dropoutKeepMask } from './dropout-mask.ts';
import { layerNormBackward, layerNormStats } from './layer-norm.ts';

/**
 * BERT's sub-layer output, LayerNorm(dropout(a) + residual), as one op. Its backward pass keeps xhat, rstd and
 * the bool dropout mask; the stock ops would also keep a, dropout's float multiplier and both inputs of the add
 * (tfjs's Add keeps its inputs for their shapes), about four [rows, hidden] tensors more per call.
 * `dropoutSeed` undefined (eval) or rate 0: no dropout. Same values as the unfused ops.
 */
export function residualLayerNorm(
  a: tf.Tensor2D,
  residual: tf.Tensor2D,
  weight: tf.Tensor,
  bias: tf.Tensor,
  eps: number,
  dropoutRate: number,
  dropoutSeed: number | undefined,
): tf.Tensor2D {
  const drop = dropoutSeed !== undefined && dropoutRate > 0;
  // `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
  const op = tf.customGrad(((x: tf.Tensor, res: tf.Tensor, w: tf.Tensor, b: tf.Tensor, e: tf.Tensor, save: tf.GradSaveFunc) => {
    const mask = drop ? dropoutKeepMask(x.shape, dropoutRate, dropoutSeed as number) : undefined;
    const [xhat, rstd] = tf.tidy(() => layerNormStats(tf.add(mask ? applyDropoutMask(x, mask, dropoutRate) : x, res), e));
    save(mask ? [xhat, rstd, w, mask] : [xhat, rstd, w]);
    return {
      value: tf.add(tf.mul(xhat, w), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, r, ww, m] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return tf.tidy(() => {
          const [dz, dw, db] = layerNormBackward(dy, xh, r, ww);
          // Two tensors: a custom gradient must not hand one tensor to two inputs.
          return [m ? applyDropoutMask(dz, m, dropoutRate) : tf.clone(dz), dz, dw, db, tf.zerosLike(e)];
        });
      },
    };
  }) as any) as (...t: tf.Tensor[]) => tf.Tensor2D;
  return op(a, residual, weight, bias, tf.scalar(eps));
}
