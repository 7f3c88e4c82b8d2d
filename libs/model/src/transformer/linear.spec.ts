import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { columnSum } from './column-sum.ts';
import { linear } from './linear.ts';

describe.each(TEST_BACKENDS)('linear and columnSum on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('columnSum equals a sum over axis 0', () => {
    const d = tf.tidy(() => {
      const m = tf.randomNormal([37, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      return columnSum(m).sub(tf.sum(m, 0)).abs().max().dataSync()[0] as number;
    });
    expect(d).toBeLessThan(1e-5);
  });

  it('matches the autodiff of the fused matmul in value and in the gradients of x, kernel and bias', () => {
    const rng = createRng('linear');
    const m = (n: number): number[] => Array.from({ length: n }, () => rng.normal());
    const before = tf.memory().numTensors;
    const diffs = tf.tidy(() => {
      const x = tf.tensor2d(m(12 * 7), [12, 7]);
      const w = tf.tensor2d(m(7 * 5), [7, 5]);
      const b = tf.tensor1d(m(5));
      const up = tf.tensor2d(m(12 * 5), [12, 5]);
      const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => linear(xx as tf.Tensor2D, ww, bb).mul(up).sum())([x, w, b]);
      const ref = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D).add(bb).mul(up).sum())([x, w, b]);
      const value = linear(x, w, b).sub(tf.matMul(x, w).add(b)).abs().max();
      return [value, ...ours.map((g, i) => g.sub(ref[i] as tf.Tensor).abs().max())].map((t) => t.dataSync()[0] as number);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(diffs).toHaveLength(4);
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
  });
});
