import { resolveConfig, type DeepPartial } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { SparseParameter } from './sparse-gradient-tape.ts';

export interface AdamWConfig {
  /** Peak learning rate (a schedule multiplies it; see `learningRate`). */
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (Loshchilov & Hutter): p <- p * (1 - lr * weightDecay), not an L2 term in the gradient. */
  weightDecay?: number;
  /** Parameters whose name matches this regular expression get no weight decay (biases and LayerNorm, as HF). */
  noDecayPattern?: string;
}

/** PyTorch's AdamW defaults, except the no-decay rule of Hugging Face's Trainer. */
export const DEFAULT_ADAMW: Required<AdamWConfig> = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  noDecayPattern: '(^|[./])bias$|LayerNorm|layer_norm|(^|[./])ln[^./]*[./]',
};

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

interface SparseMoments {
  m: Float32Array;
  v: Float32Array;
}

/**
 * AdamW exactly as torch.optim.AdamW (foreach=False) computes it, step t from 1:
 *   p <- p (1 - lr wd);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Sparse parameters (embedding tables updated by rows) get the same formula on their touched rows only, with
 * the global step for bias correction, as torch.optim.SparseAdam (a "lazy" Adam: untouched rows keep their
 * moments and do not move).
 */
export class AdamW {
  readonly config: Required<AdamWConfig>;
  /** The learning rate of the next step; schedules set it (`trainStep` does via its `learningRate` option). */
  learningRate: number;
  private t = 0;
  private readonly moments = new Map<string, Moments>();
  private readonly sparseMoments = new Map<SparseParameter, SparseMoments>();
  private readonly noDecay: RegExp;

  constructor(config: DeepPartial<AdamWConfig> = {}) {
    this.config = resolveConfig(DEFAULT_ADAMW, config, { where: { path: 'optimizer' } });
    this.learningRate = this.config.lr;
    this.noDecay = new RegExp(this.config.noDecayPattern);
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.t;
  }

  /** Whether a parameter of this name is decayed. */
  decays(name: string): boolean {
    return this.config.weightDecay !== 0 && !this.noDecay.test(name);
  }

  /**
   * One step: dense gradients by variable name (a name without gradient is left alone), and sparse parameters
   * whose accumulated row gradients are applied and then cleared. Gradients are not disposed (the caller owns them).
   */
  apply(grads: Map<string, tf.Tensor>, variables: Map<string, tf.Variable>, sparse: readonly SparseParameter[] = []): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.config;
    const lr = this.learningRate;
    const bc1 = 1 - b1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    const stepSize = lr / bc1;
    for (const [name, g] of grads) {
      const p = variables.get(name);
      if (!p) throw new Error(`AdamW.apply: gradient for unknown variable '${name}'`);
      let state = this.moments.get(name);
      if (!state) {
        state = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }));
        this.moments.set(name, state);
      }
      const { m, v } = state;
      const decay = this.decays(name) ? 1 - lr * weightDecay : 1;
      tf.tidy(() => {
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(vNew), bc2Sqrt), eps);
        const decayed = decay === 1 ? p : tf.mul(p, decay);
        p.assign(tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize)));
        m.assign(mNew);
        v.assign(vNew);
      });
    }
    for (const s of sparse) this.applySparse(s, stepSize, bc2Sqrt);
  }

  private applySparse(s: SparseParameter, stepSize: number, bc2Sqrt: number): void {
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.config;
    let state = this.sparseMoments.get(s);
    if (!state) {
      state = { m: new Float32Array(s.weight.length), v: new Float32Array(s.weight.length) };
      this.sparseMoments.set(s, state);
    }
    const { m, v } = state;
    const w = s.weight;
    const { rows, values } = s.gradient();
    const dim = s.dim;
    const decay = this.decays(s.name) ? 1 - this.learningRate * weightDecay : 1;
    for (let r = 0; r < rows.length; r++) {
      const base = (rows[r] as number) * dim;
      const gBase = r * dim;
      for (let d = 0; d < dim; d++) {
        const i = base + d;
        const g = values[gBase + d] as number;
        const mi = b1 * (m[i] as number) + (1 - b1) * g;
        const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = (w[i] as number) * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
      }
    }
    s.clearGradient();
  }

  /** Frees the moment variables. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
    this.sparseMoments.clear();
  }
}
