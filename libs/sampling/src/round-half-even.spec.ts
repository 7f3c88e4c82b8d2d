import { roundHalfEven, roundHalfUp } from './round-half-even.ts';

describe('roundHalfEven (Python round)', () => {
  it('sends halves to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 4]);
    expect([-0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, -2, -2]);
  });
  it('rounds non-halves to the nearest integer', () => {
    expect([0.49, 0.51, 2.4999, 7, 1.2].map(roundHalfEven)).toEqual([0, 1, 2, 7, 1]);
  });
  it('rounds k * r exactly as Python 3.11 does (values recorded from /usr/bin/python3: [round(k*r) for k in range(11)])', () => {
    const python: Record<string, number[]> = {
      '0.5': [0, 0, 1, 2, 2, 2, 3, 4, 4, 4, 5],
      '0.7': [0, 1, 1, 2, 3, 4, 4, 5, 6, 6, 7],
      '0.9': [0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9],
    };
    for (const [r, expected] of Object.entries(python)) {
      expect(Array.from({ length: 11 }, (_, k) => roundHalfEven(k * Number(r)))).toEqual(expected);
    }
  });
  it('half up differs exactly on halves', () => {
    expect([0.5, 1.5, 2.5, 2.4].map(roundHalfUp)).toEqual([1, 2, 3, 2]);
  });
  it('rejects non-finite input', () => {
    expect(() => roundHalfEven(Number.NaN)).toThrow('cannot round NaN');
  });
});
