import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { MixupPairing } from './mixup-options.ts';

/** Per-row mixing coefficients as a float32 tensor of shape [rows] (a number broadcasts to every row). */
export function coefficientTensor(mu: number | readonly number[] | tf.Tensor, rows: number): tf.Tensor1D {
  if (typeof mu === 'number') return tf.fill([rows], mu) as tf.Tensor1D;
  const t = mu instanceof tf.Tensor ? mu : tf.tensor1d(mu as number[]);
  if (t.rank !== 1 || t.shape[0] !== rows) {
    if (!(mu instanceof tf.Tensor)) t.dispose();
    throw new WorkbenchError('INTERNAL', `MixUp: expected ${rows} mixing coefficients (one per row), got shape [${t.shape.join(', ')}]`);
  }
  return (mu instanceof tf.Tensor ? tf.clone(t) : t) as tf.Tensor1D;
}

/**
 * MixUp targets phi [M] from the unlabelled rows' scores s(u) [M] and the coefficients mu (per row, or one number):
 * `vpu` pairing phi = mu*s(u) + (1-mu)*1; `reference` pairing phi = mu*1 + (1-mu)*s(u).
 * Differentiable in s(u) (VPU lets the gradient flow through the target; stop it with `detachTargets`).
 */
export function mixupTargets(mu: number | readonly number[] | tf.Tensor, sU: tf.Tensor, pairing: MixupPairing): tf.Tensor1D {
  return tf.tidy(() => {
    const m = coefficientTensor(mu, sU.shape[0] as number);
    const s = sU.reshape([-1]);
    return (pairing === 'vpu' ? tf.add(tf.mul(m, s), tf.sub(1, m)) : tf.add(m, tf.mul(tf.sub(1, m), s))) as tf.Tensor1D;
  });
}
