import { tf } from '@workbench/tensor';
import { applyDropoutMask, dropoutKeepMask } from './dropout-mask.ts';

export interface SelfAttentionShape {
  batch: number;
  seq: number;
  heads: number;
  /** Dropout on the attention probabilities; no dropout when `dropoutSeed` is undefined or the rate is 0. */
  dropoutRate: number;
  dropoutSeed?: number;
  /**
   * At most this many attention scores ([sequences, heads, seq, seq] elements) are materialised at once: the
   * batch is processed in chunks of sequences, forward and backward. Results do not depend on it.
   */
  chunkElements: number;
}

/**
 * Scaled dot-product self-attention of BERT, softmax(q k^T / sqrt(d) + mask) v per head, for q, k, v of shape
 * [batch * seq, hidden] and an additive key mask [batch, 1, 1, seq]; returns the context [batch * seq, hidden].
 * Its backward pass keeps q, k, v and the bool dropout mask and recomputes scores and probabilities chunk by
 * chunk: the stock ops keep the scaled q, the scores, the probabilities, dropout's float multiplier and the
 * dropped probabilities, each [batch, heads, seq, seq] one heads x seq / hidden times (2x for BERT-mini at 128
 * tokens) the size of q. The recomputation is one score matmul and a softmax per chunk, a few percent of a
 * layer's work. Same values as the unfused ops (same kernels in the same order).
 */
export function selfAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, maskBias: tf.Tensor4D, shape: SelfAttentionShape): tf.Tensor2D {
  const { batch, seq, heads, dropoutRate } = shape;
  const drop = shape.dropoutSeed !== undefined && dropoutRate > 0;
  const hidden = q.shape[1];
  const d = hidden / heads;
  const scale = 1 / Math.sqrt(d);
  const perChunk = Math.max(1, Math.min(batch, Math.floor(shape.chunkElements / (heads * seq * seq))));
  const chunks: [number, number][] = [];
  for (let start = 0; start < batch; start += perChunk) chunks.push([start, Math.min(perChunk, batch - start)]);
  const rows = (t: tf.Tensor, start: number, n: number): tf.Tensor =>
    chunks.length === 1 ? t : tf.slice(t, [start * seq, 0], [n * seq, hidden]);
  const byHeads = (t: tf.Tensor, n: number, perm: number[]): tf.Tensor4D => tf.transpose(tf.reshape(t, [n, seq, heads, d]), perm) as tf.Tensor4D;

  /** The chunk's scaled q, k^T, v per head and its (dropped) probabilities. */
  const probabilities = (qc: tf.Tensor, kc: tf.Tensor, vc: tf.Tensor, biasC: tf.Tensor, maskC: tf.Tensor | undefined, n: number) => {
    // Scaling q (rows x hidden) is cheaper than scaling the scores.
    const qh = byHeads(tf.mul(qc, scale), n, [0, 2, 1, 3]);
    // k^T laid out as [n, heads, d, seq] so the score product is a plain BatchMatMul (no transposeB).
    const kT = byHeads(kc, n, [0, 2, 3, 1]);
    const vh = byHeads(vc, n, [0, 2, 1, 3]);
    const probs = tf.softmax(tf.add(tf.matMul(qh, kT), biasC));
    const dropped = maskC ? applyDropoutMask(probs, maskC, dropoutRate) : probs;
    return { qh, kT, vh, probs, dropped };
  };
  const chunkMask = (mask: tf.Tensor | undefined, start: number, n: number): tf.Tensor | undefined =>
    mask && chunks.length > 1 ? tf.slice(mask, [start, 0, 0, 0], [n, heads, seq, seq]) : mask;
  const chunkBias = (bias: tf.Tensor, start: number, n: number): tf.Tensor => (chunks.length === 1 ? bias : tf.slice(bias, [start, 0, 0, 0], [n, 1, 1, seq]));
  const merge = (parts: tf.Tensor[]): tf.Tensor => (parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0));

  // `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
  const op = tf.customGrad(((qIn: tf.Tensor, kIn: tf.Tensor, vIn: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
    const mask = drop ? dropoutKeepMask([batch, heads, seq, seq], dropoutRate, shape.dropoutSeed as number) : undefined;
    save(mask ? [qIn, kIn, vIn, bias, mask] : [qIn, kIn, vIn, bias]);
    const value = tf.tidy(() =>
      merge(
        chunks.map(([start, n]) =>
          tf.tidy(() => {
            const { vh, dropped } = probabilities(rows(qIn, start, n), rows(kIn, start, n), rows(vIn, start, n), chunkBias(bias, start, n), chunkMask(mask, start, n), n);
            return tf.reshape(tf.transpose(tf.matMul(dropped as tf.Tensor4D, vh), [0, 2, 1, 3]), [n * seq, hidden]);
          }),
        ),
      ),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qs, ks, vs, bs, ms] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return tf.tidy(() => {
          const parts = chunks.map(([start, n]) =>
            tf.tidy(() => {
              const maskC = chunkMask(ms, start, n);
              const { qh, kT, vh, probs, dropped } = probabilities(rows(qs, start, n), rows(ks, start, n), rows(vs, start, n), chunkBias(bs, start, n), maskC, n);
              const dContext = byHeads(rows(dy, start, n), n, [0, 2, 1, 3]);
              const dV = tf.matMul(dropped as tf.Tensor4D, dContext, true, false);
              let dProbs = tf.matMul(dContext, vh, false, true) as tf.Tensor;
              if (maskC) dProbs = applyDropoutMask(dProbs, maskC, dropoutRate);
              // Softmax's gradient as tfjs writes it: dy*y - sum(dy*y) * y.
              const dyTimesY = tf.mul(dProbs, probs);
              const dScores = tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, -1, true), probs)) as tf.Tensor4D;
              const dQh = tf.matMul(dScores, kT, false, true);
              const dKT = tf.matMul(qh, dScores, true, false);
              const back = (t: tf.Tensor, perm: number[]): tf.Tensor => tf.reshape(tf.transpose(t, perm), [n * seq, hidden]);
              return [tf.mul(back(dQh, [0, 2, 1, 3]), scale), back(dKT, [0, 3, 1, 2]), back(dV, [0, 2, 1, 3])];
            }),
          );
          return [merge(parts.map((p) => p[0] as tf.Tensor)), merge(parts.map((p) => p[1] as tf.Tensor)), merge(parts.map((p) => p[2] as tf.Tensor)), tf.zerosLike(bs)];
        });
      },
    };
  }) as any) as (...t: tf.Tensor[]) => tf.Tensor2D;
  return op(q, k, v, maskBias);
}
