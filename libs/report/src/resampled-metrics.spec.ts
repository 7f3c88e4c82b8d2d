import { createRng, Rng } from '@workbench/core';
import { bootstrapCiByIndex, macroApByIndex, macroAveragePrecision, pairedBootstrapCiByIndex, type IndexMetric } from '@workbench/metrics';
import { macroApByCounts, meanOverSeeds, type BlockMetric, pairedDifference, percentileInterval, relativeInterval, valuesOnResamples } from './resampled-metrics.ts';

/** Random predictions with ties (scores on a coarse grid), a label with no positive, and rare labels. */
function randomRun(rng: Rng, n: number, labels: number, grid: number): { truth: Uint8Array[]; scores: Float64Array[] } {
  const truth = Array.from({ length: n }, () => Uint8Array.from({ length: labels }, (_, j) => (j === labels - 1 ? 0 : rng.next() < 0.05 + 0.1 * j ? 1 : 0)));
  const scores = truth.map((y) => Float64Array.from(y, (v) => Math.round((0.25 * v + 0.75 * rng.next()) * grid) / grid));
  return { truth, scores };
}

/** One resample as a block of width 1. */
function one(metric: BlockMetric, idx: Int32Array, n: number): number {
  const counts = new Int32Array(n);
  for (const i of idx) counts[i]++;
  const out = new Float64Array(1);
  metric({ counts, width: 1 }, out, 0);
  return out[0];
}

describe('macroApByCounts', () => {
  test.each([
    [40, 5, 4],
    [120, 8, 1000],
    [7, 3, 2],
  ])('equals macroApByIndex bit for bit and macroAveragePrecision on resampled rows (n=%i, %i labels, score grid %i)', (n, labels, grid) => {
    const rng = new Rng(`counts-${n}-${grid}`);
    const { truth, scores } = randomRun(rng, n, labels, grid);
    const fast = macroApByCounts(truth, scores);
    const byIndex = macroApByIndex(truth, scores);
    let compared = 0;
    for (let r = 0; r < 200; r++) {
      const idx = Int32Array.from({ length: n }, () => rng.int(n));
      const expected = byIndex(idx);
      const got = one(fast, idx, n);
      if (Number.isNaN(expected)) {
        expect(got).toBeNaN();
        continue;
      }
      expect(got).toBe(expected);
      // The straightforward computation: the resampled rows themselves, sorted anew.
      const rows = Array.from(idx);
      expect(got).toBeCloseTo(macroAveragePrecision(rows.map((i) => truth[i]), rows.map((i) => scores[i])).value, 12);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(one(fast, Int32Array.from({ length: n }, (_, i) => i), n)).toBe(macroAveragePrecision(truth, scores).value);
  });

  test('a resample with no positive of any label is undefined (NaN), as in macroApByIndex', () => {
    const truth = [Uint8Array.of(1), Uint8Array.of(0), Uint8Array.of(0)];
    const scores = [Float64Array.of(0.9), Float64Array.of(0.2), Float64Array.of(0.1)];
    expect(one(macroApByCounts(truth, scores), Int32Array.of(1, 2, 2), 3)).toBeNaN();
    expect(macroApByIndex(truth, scores)(Int32Array.of(1, 2, 2))).toBeNaN();
  });
});

describe('valuesOnResamples: the intervals of metrics bootstrapCiByIndex / pairedBootstrapCiByIndex, bit for bit', () => {
  const n = 60;
  const seedRng = new Rng('runs');
  const a = [randomRun(seedRng, n, 4, 50), randomRun(seedRng, n, 4, 50)];
  const b = [randomRun(seedRng, n, 4, 50), randomRun(seedRng, n, 4, 50)];
  const resamples = 300;
  const stream = (): Rng => createRng(7).derive('report-bootstrap').derive('d').derive('s');
  const values = valuesOnResamples(n, [...a, ...b].map((r) => macroApByCounts(r.truth, r.scores)), resamples, stream());
  const mean = (runs: typeof a): IndexMetric => (idx) => runs.reduce((s, r) => s + macroApByIndex(r.truth, r.scores)(idx), 0) / runs.length;

  test('a cell: mean over seeds, percentile interval', () => {
    const fast = meanOverSeeds(values.slice(0, 2));
    const ci = percentileInterval(fast.values, 0.95);
    const slow = bootstrapCiByIndex(n, mean(a), { resamples, confidence: 0.95, rng: stream() });
    expect(fast.estimate).toBe(slow.estimate);
    expect(ci.lower).toBe(slow.lower);
    expect(ci.upper).toBe(slow.upper);
    expect(ci.defined).toBe(resamples - slow.undefinedResamples);
  });

  test('a paired comparison: difference, its interval, P(A > B), and the relative gain on the same resamples', () => {
    const ma = meanOverSeeds(values.slice(0, 2));
    const mb = meanOverSeeds(values.slice(2));
    const fast = pairedDifference(ma, mb, 0.9);
    const slow = pairedBootstrapCiByIndex(n, mean(a), mean(b), { resamples, confidence: 0.9, rng: stream() });
    expect(ma.estimate).toBe(slow.a);
    expect(mb.estimate).toBe(slow.b);
    expect(fast.estimate).toBe(slow.difference.estimate);
    expect(fast.lower).toBe(slow.difference.lower);
    expect(fast.upper).toBe(slow.difference.upper);
    expect(fast.fractionAGreater).toBe(slow.fractionAGreater);
    // The relative gain per resample, straight from resampled rows.
    const rng = stream();
    const rel: number[] = [];
    for (let r = 0; r < resamples; r++) {
      const idx = Int32Array.from({ length: n }, () => rng.int(n));
      const va = mean(a)(idx);
      const vb = mean(b)(idx);
      if (Number.isFinite((va - vb) / vb)) rel.push((va - vb) / vb);
    }
    const ci = relativeInterval(ma, mb, 0.9);
    expect(ci.lower).toBe(percentileInterval(rel, 0.9).lower);
    expect(ci.upper).toBe(percentileInterval(rel, 0.9).upper);
    expect(ci.lower).toBeLessThan(ci.upper);
  });
});
