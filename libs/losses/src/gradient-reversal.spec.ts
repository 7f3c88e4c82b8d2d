import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { values } from '../test/grad-check.ts';
import { dannLambda, gradientReversal } from './gradient-reversal.ts';

describe('gradient reversal', () => {
  describe.each(TEST_BACKENDS)('on %s', (backend) => {
    beforeAll(async () => useBackend(backend));

    it('is the identity forward and multiplies the gradient by -lambda', () => {
      const x = tf.tensor2d([[1, -2], [3, 0.5]]);
      const before = tf.memory().numTensors;
      const y = gradientReversal(x, 0.3);
      expect(values(y)).toEqual([1, -2, 3, 0.5]);
      // f(x) = sum(grl(x)^2 * w): gradient -0.3 * 2 x w
      const w = tf.tensor2d([[1, 2], [3, 4]]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.square(gradientReversal(v, 0.3)), w)))(x);
      const expected = [1, -2, 3, 0.5].map((xi, i) => -0.3 * 2 * xi * [1, 2, 3, 4][i]!);
      values(g).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });

    it('composes: the gradient of what comes before it is reversed too, and lambda 0 blocks it', () => {
      const x = tf.scalar(2);
      const g = tf.grad((v: tf.Tensor) => tf.mul(gradientReversal(tf.mul(v, 3), 1), 5) as tf.Scalar)(x);
      expect(values(g)).toEqual([-15]);
      const g0 = tf.grad((v: tf.Tensor) => tf.mul(gradientReversal(tf.mul(v, 3), 0), 5) as tf.Scalar)(x);
      expect(Math.abs(values(g0)[0]!)).toBe(0);
      x.dispose();
    });
  });

  it('dannLambda goes from 0 to ~1 (Ganin et al.)', () => {
    expect(dannLambda(0)).toBe(0);
    expect(dannLambda(0.5)).toBeCloseTo(2 / (1 + Math.exp(-5)) - 1, 12); // 0.986614
    expect(dannLambda(1)).toBeCloseTo(0.999909, 6);
    expect(dannLambda(2)).toBe(dannLambda(1));
    expect(() => gradientReversal(tf.scalar(1), Number.NaN)).toThrow(/lambda must be finite/);
  });
});
