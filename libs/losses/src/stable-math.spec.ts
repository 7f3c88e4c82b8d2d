import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { values } from '../test/grad-check.ts';
import { maskedColumnLogMeanExp, safeSqrt } from './stable-math.ts';
import { stopGradient } from './stop-gradient.ts';

describe.each(TEST_BACKENDS)('stable math on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('maskedColumnLogMeanExp: exact where exp underflows, masked rows ignored', () => {
    // column 0: rows 0 and 2: log((e^-200 + e^-201) / 2) = -200 + log((1 + e^-1) / 2) = -200.379885
    const v = tf.tensor2d([[-200, 1], [5, 2], [-201, 3]]);
    const m = tf.tensor2d([[1, 1], [0, 1], [1, 0]]);
    const out = values(maskedColumnLogMeanExp(v, m));
    expect(out[0]).toBeCloseTo(-200 + Math.log((1 + Math.exp(-1)) / 2), 3);
    expect(out[1]).toBeCloseTo(Math.log((Math.E + Math.E ** 2) / 2), 5);
    tf.dispose([v, m]);
  });

  it('safeSqrt: sqrt for x > 0, value and gradient 0 at 0', () => {
    const x = tf.tensor1d([4, 0, 0.25]);
    expect(values(safeSqrt(x))).toEqual([2, 0, 0.5]);
    expect(values(tf.grad((t: tf.Tensor) => tf.sum(safeSqrt(t)))(x))).toEqual([0.25, 0, 1]);
    x.dispose();
  });

  it('stopGradient: identity forward, zero gradient', () => {
    const x = tf.tensor1d([3, -1]);
    expect(values(stopGradient(x))).toEqual([3, -1]);
    // d/dx [x * sg(x)] = sg(x) = x
    expect(values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x))).toEqual([3, -1]);
    x.dispose();
  });
});
