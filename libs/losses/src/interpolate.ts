import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { coefficientTensor } from './mixup-targets.ts';

/**
 * mu*a + (1-mu)*b for tensors of any rank >= 1 whose first axis is the row, with one mu per row (or one number
 * for all rows). The input of DALLMi's MixUp is interpolate(x(u), x(p), mu).
 */
export function interpolate<T extends tf.Tensor>(a: T, b: T, mu: number | readonly number[] | tf.Tensor): T {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]) || a.rank < 1) {
    throw new WorkbenchError('INTERNAL', `interpolate: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
  return tf.tidy(() => {
    const rows = a.shape[0] as number;
    const m = coefficientTensor(mu, rows).reshape([rows, ...new Array<number>(a.rank - 1).fill(1)]);
    return tf.add(tf.mul(m, a), tf.mul(tf.sub(1, m), b)) as T;
  });
}

/** The attention mask of a mixed row: a position is attended if either source row attends it (union). */
export function unionAttentionMask<T extends tf.Tensor>(a: T, b: T): T {
  return tf.maximum(a, b) as T;
}
