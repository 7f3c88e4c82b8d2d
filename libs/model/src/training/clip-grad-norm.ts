import { tf } from '@workbench/tensor';
import type { SparseParameter } from './sparse-gradient-tape.ts';

/** The L2 norm of every gradient together: dense tensors and the row gradients of sparse parameters. */
export function globalGradNorm(grads: Map<string, tf.Tensor>, sparse: readonly SparseParameter[] = []): number {
  let sq = 0;
  if (grads.size > 0) {
    const dense = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
    sq += (dense.dataSync()[0] as number);
    dense.dispose();
  }
  for (const s of sparse) {
    const { values } = s.gradient();
    for (let i = 0; i < values.length; i++) sq += (values[i] as number) * (values[i] as number);
  }
  return Math.sqrt(sq);
}

/**
 * torch.nn.utils.clip_grad_norm_: when the global norm exceeds `maxNorm`, every gradient is multiplied by
 * maxNorm / (norm + 1e-6). Returns the norm BEFORE clipping and the (possibly new) dense gradients; replaced
 * dense gradients are disposed, sparse row gradients are scaled in place.
 */
export function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
  sparse: readonly SparseParameter[] = [],
): { norm: number; grads: Map<string, tf.Tensor> } {
  const norm = globalGradNorm(grads, sparse);
  const coef = maxNorm / (norm + 1e-6);
  if (!(coef < 1)) return { norm, grads };
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    out.set(name, tf.mul(g, coef));
    g.dispose();
  }
  for (const s of sparse) {
    const { values } = s.gradient();
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * coef;
  }
  return { norm, grads: out };
}
