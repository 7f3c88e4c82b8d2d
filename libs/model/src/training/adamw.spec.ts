import { createRng } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
import { AdamW } from './adamw.ts';
import { SparseEmbedding } from './sparse-embedding.ts';
import { withSparseTape } from './sparse-gradient-tape.ts';

/** torch.optim.AdamW's update written out in float64, one parameter vector. */
function torchAdamW(p: number[], grads: number[][], c: { lr: number; b1: number; b2: number; eps: number; wd: number }): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const out = p.slice();
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      out[i] = (out[i] as number) * (1 - c.lr * c.wd);
      m[i] = c.b1 * (m[i] as number) + (1 - c.b1) * (g[i] as number);
      v[i] = c.b2 * (v[i] as number) + (1 - c.b2) * (g[i] as number) ** 2;
      const denom = Math.sqrt(v[i] as number) / Math.sqrt(1 - c.b2 ** t) + c.eps;
      out[i] = (out[i] as number) - (c.lr / (1 - c.b1 ** t)) * ((m[i] as number) / denom);
    }
  });
  return out;
}

describe('AdamW', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches PyTorch AdamW (decoupled decay, bias correction) over three hand-checked steps', () => {
    const c = { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.5 };
    const grads = [
      [0.5, -1, 2],
      [0.1, 0.2, -0.3],
      [-2, 0, 1e-3],
    ];
    // Step 1 by hand for the first entry: p = 1 * (1 - 0.05) = 0.95; m = 0.05, v = 0.00025; mhat = 0.5,
    // vhat = 0.25, update = 0.1 * 0.5 / (0.5 + 1e-8) = 0.1 -> 0.85.
    const opt = new AdamW({ lr: c.lr, beta1: c.b1, beta2: c.b2, eps: c.eps, weightDecay: c.wd });
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adamw-test/w');
    const vars = new Map([['layer.weight', w]]);
    const g0 = tf.tensor1d(grads[0] as number[]);
    opt.apply(new Map([['layer.weight', g0]]), vars);
    expect(w.dataSync()[0]).toBeCloseTo(0.85, 6);
    g0.dispose();
    for (const g of grads.slice(1)) {
      const gt = tf.tensor1d(g);
      opt.apply(new Map([['layer.weight', gt]]), vars);
      gt.dispose();
    }
    const expected = torchAdamW([1, -2, 3], grads, c);
    const got = Array.from(w.dataSync());
    got.forEach((x, i) => expect(Math.abs(x - (expected[i] as number))).toBeLessThan(1e-6));
    expect(opt.step).toBe(3);
    opt.dispose();
    w.dispose();
  });

  it('does not decay biases and LayerNorm weights, and the pattern is configurable', () => {
    const opt = new AdamW({ weightDecay: 0.1 });
    expect(opt.decays('encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(opt.decays('encoder.layer.0.attention.self.query.bias')).toBe(false);
    expect(opt.decays('embeddings.LayerNorm.weight')).toBe(false);
    expect(opt.decays('classifier.bias')).toBe(false);
    const custom = new AdamW({ weightDecay: 0.1, noDecayPattern: '^embeddings\\.' });
    expect(custom.decays('embeddings.weight')).toBe(false);
    expect(custom.decays('classifier.bias')).toBe(true);
    expect(() => new AdamW({ weightDecai: 0.1 } as never)).toThrow(/unknown key 'weightDecai'.*did you mean 'weightDecay'/);
  });

  it('updates touched rows of a sparse table exactly as the dense formula, and leaves the others', () => {
    const c = { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.2 };
    const table = new SparseEmbedding('emb.weight', 4, 2, { rng: createRng('sparse-adamw'), std: 1 });
    const initial = Array.from(table.weight);
    const opt = new AdamW({ lr: c.lr, weightDecay: c.wd });
    const dys = [
      [1, 2, -1, 0.5],
      [0.3, -0.2, 0.1, 0.4],
    ];
    for (const dy of dys) {
      // Rows 1 and 3 looked up at two positions; loss = sum(lookup * dy) so the row gradients are dy.
      withSparseTape((anchor) => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(table.lookupSum(Int32Array.from([1, 3]), 1, [2]), tf.tensor2d(dy, [2, 2]))) as tf.Scalar, [anchor]);
        tf.dispose(Object.values(grads));
      });
      opt.apply(new Map(), new Map(), [table]);
    }
    const row = (r: number, w: number[]): number[] => w.slice(r * 2, r * 2 + 2);
    const expected1 = torchAdamW(row(1, initial), dys.map((d) => d.slice(0, 2)), c);
    const expected3 = torchAdamW(row(3, initial), dys.map((d) => d.slice(2, 4)), c);
    const now = Array.from(table.weight);
    [...row(1, now), ...row(3, now)].forEach((x, i) => expect(Math.abs(x - ([...expected1, ...expected3][i] as number))).toBeLessThan(1e-6));
    expect(row(0, now)).toEqual(row(0, initial));
    expect(row(2, now)).toEqual(row(2, initial));
    expect(table.gradient().rows).toHaveLength(0);
  });
});
