import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { gelu } from './gelu.ts';

/** erf in float64 by its Maclaurin series: cancellation stays below 1e-11 for |x| <= 3.6 (GELU inputs up to 5). */
function erf64(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const gelu64 = (x: number): number => 0.5 * x * (1 + erf64(x / Math.SQRT2));

describe.each(TEST_BACKENDS)('exact erf GELU on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const xs = Array.from({ length: 101 }, (_, i) => -5 + i * 0.1);

  it('matches 0.5 x (1 + erf(x / sqrt 2)) in float64 within float32 noise, and is not the tanh approximation', () => {
    const y = tf.tidy(() => gelu(tf.tensor1d(xs)).dataSync());
    let maxDiff = 0;
    xs.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs((y[i] as number) - gelu64(x)))));
    expect(maxDiff).toBeLessThan(1e-6);
    // The tanh form differs by ~1e-4 near |x| = 2: make sure we are far closer to erf than that.
    const tanhGelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    const i = xs.findIndex((x) => Math.abs(x - 2.3) < 1e-9);
    expect(Math.abs(tanhGelu(2.3) - gelu64(2.3))).toBeGreaterThan(1e-4);
    expect(Math.abs((y[i] as number) - gelu64(2.3))).toBeLessThan(1e-6);
  });

  it('has the analytic gradient Phi(x) + x phi(x), checked against float64 central differences', () => {
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => gelu(x).mul(tf.range(1, xs.length + 1)).sum())(tf.tensor1d(xs)).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    let maxDiff = 0;
    xs.forEach((x, i) => {
      const h = 1e-4;
      const numeric = ((gelu64(x + h) - gelu64(x - h)) / (2 * h)) * (i + 1);
      maxDiff = Math.max(maxDiff, Math.abs((g[i] as number) - numeric) / (i + 1));
    });
    expect(maxDiff).toBeLessThan(1e-6);
  });
});
