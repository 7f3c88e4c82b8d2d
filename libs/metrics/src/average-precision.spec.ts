import { WorkbenchError } from '@workbench/core';
import { averagePrecision } from './average-precision.ts';
import { loadSklearnReference } from './sklearn-reference.ts';

// Expected values: hand-computed below, or recorded from scikit-learn 1.2.1 (test/record_sklearn.py).
const ref = loadSklearnReference();

describe('averagePrecision', () => {
  it('matches hand-computed AP = sum (R_n - R_{n-1}) P_n', () => {
    // thresholds .9 (P 1, R 1/2), .8 (P 1/2, R 1/2), .7 (P 2/3, R 1): 1/2 * 1 + 1/2 * 2/3
    expect(averagePrecision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBeCloseTo(1 / 2 + 1 / 3, 14);
    expect(averagePrecision([1, 1, 0], [0.9, 0.8, 0.1])).toBe(1);
  });

  it('groups tied scores into one step, whatever their order', () => {
    // group .5 holds one positive and one negative: P 1/2 at R 1/2; then .2: P 2/3 at R 1
    const expected = 0.5 * 0.5 + 0.5 * (2 / 3);
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.2])).toBeCloseTo(expected, 14);
    expect(averagePrecision([0, 1, 1], [0.5, 0.5, 0.2])).toBeCloseTo(expected, 14);
    // all tied: AP is the positive rate
    expect(averagePrecision([1, 0, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it.each(ref.binary.map((c, i) => [i, c] as const))(`equals scikit-learn on binary case %i (${ref.producedBy})`, (_i, c) => {
    expect(averagePrecision(c.yTrue, c.scores)).toBeCloseTo(c.ap, 12);
  });

  it('equals scikit-learn on float32 scores', () => {
    for (const c of ref.binaryFloat32) expect(averagePrecision(Uint8Array.from(c.yTrue), Float32Array.from(c.scores))).toBeCloseTo(c.ap, 12);
  });

  it('is NaN for a label without positive (scikit-learn would say 0 with a warning)', () => {
    expect(averagePrecision([0, 0, 0], [0.1, 0.2, 0.3])).toBeNaN();
  });

  it('rejects bad inputs naming the bad value', () => {
    expect(() => averagePrecision([1, 2], [0.1, 0.2])).toThrow('yTrue[1] must be 0 or 1, got 2');
    expect(() => averagePrecision([1, 0], [0.1, Number.NaN])).toThrow('scores[1] must be a finite number, got NaN');
    expect(() => averagePrecision([1, 0], [0.1])).toThrow('yTrue has 2 entries but scores has 1');
    expect(() => averagePrecision([1, 0], [0.1])).toThrow(WorkbenchError);
  });
});
