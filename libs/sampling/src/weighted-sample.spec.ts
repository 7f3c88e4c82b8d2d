import { createRng } from '@workbench/core';
import { weightedSampleWithoutReplacement } from './weighted-sample.ts';

describe('weightedSampleWithoutReplacement', () => {
  const items = ['a', 'b', 'c'];
  const weights = [1, 2, 7];

  it('draws one item with probability proportional to its weight', () => {
    const rng = createRng(1);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let t = 0; t < 20000; t++) counts[weightedSampleWithoutReplacement(items, weights, 1, rng)[0]]++;
    expect(counts.a / 20000).toBeCloseTo(0.1, 1);
    expect(counts.b / 20000).toBeCloseTo(0.2, 1);
    expect(counts.c / 20000).toBeCloseTo(0.7, 1);
  });

  it('draws k distinct items by successive sampling', () => {
    // P(a is left out of 2 draws) = P(b then c) + P(c then b) = .2 * .7/.8 + .7 * .2/.3 = 0.64167 (hand-computed)
    const rng = createRng(2);
    let withoutA = 0;
    for (let t = 0; t < 20000; t++) {
      const s = weightedSampleWithoutReplacement(items, weights, 2, rng);
      expect(new Set(s).size).toBe(2);
      if (!s.includes('a')) withoutA++;
    }
    expect(Math.abs(withoutA / 20000 - 0.64167)).toBeLessThan(0.015);
  });

  it('never draws a zero-weight item', () => {
    const rng = createRng(3);
    for (let t = 0; t < 200; t++) expect(weightedSampleWithoutReplacement(items, [0, 1, 1], 2, rng).sort()).toEqual(['b', 'c']);
  });
});

describe('weightedSampleWithoutReplacement input checks', () => {
  it('names the bad weight or k', () => {
    expect(() => weightedSampleWithoutReplacement(['a', 'b'], [1, -1], 1, createRng(1))).toThrow('weights[1] must be a finite number >= 0, got -1');
    expect(() => weightedSampleWithoutReplacement(['a', 'b'], [1, 0], 2, createRng(1))).toThrow('k must be an integer in 0..1 (items with positive weight), got 2');
    expect(() => weightedSampleWithoutReplacement(['a'], [1, 1], 1, createRng(1))).toThrow('2 weights for 1 items');
  });
});
