import { createRng } from '@workbench/core';
import { accuracy } from './accuracy.ts';
import { bootstrapCi, bootstrapCiByIndex, pairedBootstrapCi, pairedBootstrapCiByIndex } from './bootstrap.ts';
import { macroApByIndex, macroAveragePrecision } from './macro-average-precision.ts';
import { quantile } from './percentile.ts';
import { loadSklearnReference } from './sklearn-reference.ts';

const ref = loadSklearnReference();
const acc = (y: number[], p: number[]): number => accuracy(y, p);

describe('quantile', () => {
  it(`equals numpy.percentile (linear) (${ref.producedBy})`, () => {
    for (const c of ref.percentile) c.q.forEach((q, k) => expect(quantile(c.values, q)).toBeCloseTo(c.quantiles[k], 13));
  });
  it('hand case and range check', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(() => quantile([1], 1.5)).toThrow('quantile q must be in [0, 1], got 1.5');
  });
});

describe('bootstrapCi', () => {
  // 400 rows, 300 right: accuracy 0.75, binomial standard error sqrt(.75 * .25 / 400) = 0.02165.
  const y = Array.from({ length: 400 }, () => 1);
  const p = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1));

  it('recovers the binomial standard error and a ~95% interval around the estimate', () => {
    const ci = bootstrapCi(y, p, acc, { resamples: 300, rng: createRng(7) });
    expect(ci.estimate).toBe(0.75);
    expect(ci.std).toBeGreaterThan(0.02165 * 0.9);
    expect(ci.std).toBeLessThan(0.02165 * 1.1);
    // normal-theory 95% half-width 1.96 * 0.02165 = 0.0424
    expect(ci.upper - ci.lower).toBeGreaterThan(0.0424 * 2 * 0.85);
    expect(ci.upper - ci.lower).toBeLessThan(0.0424 * 2 * 1.15);
    expect(ci.lower).toBeLessThan(0.75);
    expect(ci.upper).toBeGreaterThan(0.75);
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = bootstrapCi(y, p, acc, { resamples: 100, rng: createRng(1) });
    expect(bootstrapCi(y, p, acc, { resamples: 100, rng: createRng(1) })).toEqual(a);
    expect(bootstrapCi(y, p, acc, { resamples: 100, rng: createRng(2) }).mean).not.toBe(a.mean);
    expect(bootstrapCi(y, p, acc, { resamples: 50 })).toEqual(bootstrapCi(y, p, acc, { resamples: 50 }));
  });

  it('counts resamples where the metric is undefined instead of averaging NaN', () => {
    // 1 positive among 20 rows: about (19/20)^20 = 36% of resamples draw no positive
    const yy = Array.from({ length: 20 }, (_, i) => [i === 0 ? 1 : 0]);
    const ss = Array.from({ length: 20 }, (_, i) => [i / 20]);
    const ci = bootstrapCi(yy, ss, (a, b) => macroAveragePrecision(a, b).value, { resamples: 500, rng: createRng(3) });
    expect(ci.undefinedResamples).toBeGreaterThan(130);
    expect(ci.undefinedResamples).toBeLessThan(230);
    expect(ci.mean).not.toBeNaN();
  });

  it('rejects bad options naming them', () => {
    expect(() => bootstrapCi(y, p, acc, { resamples: 0 })).toThrow('resamples must be a positive integer, got 0');
    expect(() => bootstrapCi(y, p, acc, { confidence: 95 })).toThrow('confidence must be in (0, 1), got 95');
    expect(() => bootstrapCi(y, p.slice(1), acc)).toThrow('predictions must have one row per row of yTrue (400), got 399');
  });
});

describe('pairedBootstrapCi', () => {
  const y = Array.from({ length: 300 }, (_, i) => i % 2);
  const good = y.map((v, i) => (i % 10 === 0 ? 1 - v : v)); // 90% right
  const worse = y.map((v, i) => (i % 5 === 0 ? 1 - v : v)); // 80% right, its errors include all of good's

  it('finds a clear difference: interval above 0 and A better in every resample', () => {
    const r = pairedBootstrapCi(y, good, worse, acc, { resamples: 400, rng: createRng(11) });
    expect(r.a).toBeCloseTo(0.9, 14);
    expect(r.b).toBeCloseTo(0.8, 14);
    expect(r.difference.estimate).toBeCloseTo(0.1, 14);
    expect(r.difference.lower).toBeGreaterThan(0.05);
    expect(r.difference.upper).toBeLessThan(0.15);
    // the 30 rows only `worse` gets wrong decide: A > B unless a resample draws none of them (~(270/300)^300)
    expect(r.fractionAGreater).toBe(1);
  });

  it('pairing removes shared noise: identical methods differ by exactly 0', () => {
    const r = pairedBootstrapCi(y, good, good, acc, { resamples: 100 });
    expect(r.difference).toMatchObject({ estimate: 0, mean: 0, lower: 0, upper: 0 });
    expect(r.fractionAGreater).toBe(0);
  });

  it('the paired interval is narrower than the unpaired one would suggest', () => {
    const paired = pairedBootstrapCi(y, good, worse, acc, { resamples: 300, rng: createRng(5) });
    const a = bootstrapCi(y, good, acc, { resamples: 300, rng: createRng(6) });
    const b = bootstrapCi(y, worse, acc, { resamples: 300, rng: createRng(7) });
    expect(paired.difference.std).toBeLessThan(Math.sqrt(a.std ** 2 + b.std ** 2));
  });
});

describe('index metrics', () => {
  const rng = createRng(42);
  const y = Array.from({ length: 120 }, () => Array.from({ length: 4 }, () => (rng.next() < 0.2 ? 1 : 0)));
  const a = y.map((r) => r.map((v) => Math.round((0.4 * v + rng.next()) * 20) / 20)); // rounded: ties
  const b = y.map((r) => r.map((v) => Math.round((0.2 * v + rng.next()) * 20) / 20));
  const rowMacro = (yy: number[][], ss: number[][]): number => macroAveragePrecision(yy, ss).value;

  it('macroApByIndex gives the same intervals as the row metric on the same draws', () => {
    const byRow = pairedBootstrapCi(y, a, b, rowMacro, { resamples: 200, rng: createRng(8) });
    const byIndex = pairedBootstrapCiByIndex(y.length, macroApByIndex(y, a), macroApByIndex(y, b), { resamples: 200, rng: createRng(8) });
    expect(byIndex.a).toBeCloseTo(byRow.a, 14);
    expect(byIndex.difference.lower).toBeCloseTo(byRow.difference.lower, 14);
    expect(byIndex.difference.upper).toBeCloseTo(byRow.difference.upper, 14);
    expect(byIndex.difference.mean).toBeCloseTo(byRow.difference.mean, 14);
    expect(byIndex.fractionAGreater).toBe(byRow.fractionAGreater);
    const one = bootstrapCiByIndex(y.length, macroApByIndex(y, a), { resamples: 100, rng: createRng(9) });
    const oneRow = bootstrapCi(y, a, rowMacro, { resamples: 100, rng: createRng(9) });
    expect(one.std).toBeCloseTo(oneRow.std, 14);
  });

  it('rejects an empty test set', () => {
    expect(() => bootstrapCiByIndex(0, () => 1)).toThrow('the test set must have at least one row, got 0');
  });
});
