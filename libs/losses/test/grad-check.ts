// Test helpers of @workbench/losses: float64 references and finite-difference gradient checks.
import { tf } from '@workbench/tensor';

/** Central finite differences of a float64 function (at `coords` only, when given). */
export function numericGradient(f: (x: number[]) => number, x0: readonly number[], h = 1e-6, coords?: readonly number[]): number[] {
  return (coords ?? x0.map((_, i) => i)).map((i) => {
    const plus = [...x0];
    const minus = [...x0];
    plus[i] = (plus[i] as number) + h;
    minus[i] = (minus[i] as number) - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** The tf gradient of `loss` with respect to one input built from `x0`, checking that nothing leaks. */
export function tfGradient(loss: (x: tf.Tensor) => tf.Scalar, x0: readonly number[], shape: number[]): number[] {
  const before = tf.memory().numTensors;
  const grad = tf.tidy(() => {
    const x = tf.tensor(x0 as number[], shape);
    return Array.from(tf.grad(loss)(x).dataSync());
  });
  expect(tf.memory().numTensors).toBe(before);
  return grad;
}

/**
 * Asserts that tf.grad of `loss` agrees with central differences of the float64 reference `ref` to `rtol`
 * relative to the gradient's largest entry, and that the gradient is not trivially zero.
 */
export function expectGradientMatches(
  loss: (x: tf.Tensor) => tf.Scalar,
  ref: (x: number[]) => number,
  x0: readonly number[],
  shape: number[],
  rtol = 1e-3,
  coords?: readonly number[],
): void {
  const full = tfGradient(loss, x0, shape);
  const analytic = coords ? coords.map((i) => full[i] as number) : full;
  const numeric = numericGradient(ref, x0, 1e-6, coords);
  const scale = Math.max(...numeric.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-6);
  let maxDiff = 0;
  for (let i = 0; i < numeric.length; i++) maxDiff = Math.max(maxDiff, Math.abs((analytic[i] as number) - (numeric[i] as number)));
  if (maxDiff > rtol * scale) {
    throw new Error(`gradient mismatch: max |tf - fd| = ${maxDiff} > ${rtol} * ${scale}\n tf: ${analytic.join(', ')}\n fd: ${numeric.join(', ')}`);
  }
  expect(maxDiff).toBeLessThanOrEqual(rtol * scale);
}

/** Value of a scalar tensor, disposing it. */
export function scalarValue(t: tf.Tensor): number {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
}

/** Values of a tensor, disposing it. */
export function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Reshapes a flat array to rows of `cols`. */
export function rows(flat: readonly number[], cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += cols) out.push(flat.slice(i, i + cols));
  return out;
}

// float64 references, written independently of the implementation.
export const sigmoid64 = (x: number): number => 1 / (1 + Math.exp(-x));
export const softplus64 = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
export const logSigmoid64 = (x: number): number => -softplus64(-x);
