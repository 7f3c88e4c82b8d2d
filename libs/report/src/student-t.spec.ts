import { studentTCdf, studentTQuantile, tInterval } from './student-t.ts';

describe('Student t', () => {
  // scipy.stats.t.ppf(0.975, df) (scipy 1.10)
  const ppf975: [number, number][] = [
    [1, 12.706204736174698],
    [2, 4.302652729749464],
    [4, 2.7764451051977934],
    [9, 2.2621571627982053],
    [30, 2.0422724563012373],
    [1000, 1.9623390808264078],
  ];
  test.each(ppf975)('0.975 quantile with %i degrees of freedom', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 8);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-expected, 8);
    expect(studentTCdf(expected, df)).toBeCloseTo(0.975, 10);
  });

  test('t-interval of 3 seeds by hand', () => {
    // values 0.5, 0.6, 0.7: mean 0.6, sample std 0.1, se 0.1/sqrt(3), t(0.975, 2) = 4.302652729749464
    const t = tInterval(0.6, 0.1, 3);
    expect(t.se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(t.lower).toBeCloseTo(0.6 - (4.302652729749464 * 0.1) / Math.sqrt(3), 8);
    expect(t.upper).toBeCloseTo(0.6 + (4.302652729749464 * 0.1) / Math.sqrt(3), 8);
    expect(Number.isNaN(tInterval(0.6, Number.NaN, 1).lower)).toBe(true);
  });
});
