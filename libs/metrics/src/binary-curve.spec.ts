import { binaryCurve } from './binary-curve.ts';

describe('binaryCurve', () => {
  it('has one point per distinct score, decreasing, with cumulative TP and FP (hand-computed)', () => {
    const c = binaryCurve([1, 0, 1, 0, 1], [0.2, 0.9, 0.9, 0.2, 0.5]);
    expect(Array.from(c.thresholds)).toEqual([0.9, 0.5, 0.2]);
    expect(Array.from(c.tps)).toEqual([1, 2, 3]);
    expect(Array.from(c.fps)).toEqual([1, 1, 2]);
  });

  it('treats -0 and 0 as one score, as numpy does', () => {
    const c = binaryCurve([1, 0], [-0, 0]);
    expect(c.thresholds).toHaveLength(1);
    expect(Array.from(c.tps)).toEqual([1]);
    expect(Array.from(c.fps)).toEqual([1]);
  });

  it('handles one class only', () => {
    expect(Array.from(binaryCurve([0, 0], [0.1, 0.3]).fps)).toEqual([1, 2]);
    expect(Array.from(binaryCurve([1, 1], [0.3, 0.3]).tps)).toEqual([2]);
  });
});
