import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { layerNorm } from './layer-norm.ts';

/** The textbook LayerNorm through autodiff: the reference for the hand-written gradient. */
function reference(x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(eps).sqrt()).mul(w).add(b);
}

describe.each(TEST_BACKENDS)('layerNorm on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('matches the autodiff reference in value and in the gradients of x, weight and bias', () => {
    const rng = createRng('layer-norm');
    const m = (n: number, scale = 1, shift = 0): number[] => Array.from({ length: n }, () => shift + scale * rng.normal());
    const before = tf.memory().numTensors;
    const diffs = tf.tidy(() => {
      const x = tf.tensor2d(m(6 * 16, 2, 0.5), [6, 16]);
      const w = tf.tensor1d(m(16, 0.1, 1));
      const b = tf.tensor1d(m(16, 0.1));
      const up = tf.tensor2d(m(6 * 16), [6, 16]);
      const f = (impl: typeof layerNorm) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => impl(xx as tf.Tensor2D, ww as tf.Tensor1D, bb as tf.Tensor1D, 1e-5).mul(up).sum();
      const ours = tf.grads(f(layerNorm))([x, w, b]);
      const ref = tf.grads(f(reference as typeof layerNorm))([x, w, b]);
      const value = layerNorm(x, w, b, 1e-5).sub(reference(x, w, b, 1e-5)).abs().max();
      return [value, ...ours.map((g, i) => g.sub(ref[i] as tf.Tensor).abs().max())].map((t) => t.dataSync()[0] as number);
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const d of diffs) expect(d).toBeLessThan(2e-5);
  });

  it('uses eps inside the square root (a constant row normalises to the bias)', () => {
    const y = tf.tidy(() => layerNorm(tf.tensor2d([[3, 3, 3, 3]]), tf.tensor1d([2, 2, 2, 2]), tf.tensor1d([0.5, -1, 0, 1]), 1e-12).dataSync());
    expect(Array.from(y)).toEqual([0.5, -1, 0, 1]);
  });
});
