import { truncateSequences } from './truncation.ts';

describe('truncateSequences (longest_first, right side)', () => {
  it('cuts the end of a single sequence', () => {
    expect(truncateSequences([1, 2, 3, 4, 5], undefined, 2)).toEqual({ first: [1, 2, 3], second: undefined });
  });

  it('leaves sequences alone when nothing must go', () => {
    expect(truncateSequences([1, 2], [3], 0)).toEqual({ first: [1, 2], second: [3] });
    expect(truncateSequences([1, 2], [3], -4)).toEqual({ first: [1, 2], second: [3] });
  });

  it('removes from the longer sequence, from the second one on ties (as transformers does)', () => {
    // 8 + 8 tokens, 3 to remove: second (tie) -> first (8 > 7) -> second (tie).
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [11, 12, 13, 14, 15, 16, 17, 18];
    const out = truncateSequences(a, b, 3);
    expect(out.first).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(out.second).toEqual([11, 12, 13, 14, 15, 16]);
  });

  it('takes everything from a much longer first sequence', () => {
    const out = truncateSequences([1, 2, 3, 4, 5, 6], [9], 4);
    expect(out).toEqual({ first: [1, 2], second: [9] });
  });

  it('empties a single sequence that is too short instead of returning it over-long', () => {
    expect(truncateSequences([1, 2], undefined, 5)).toEqual({ first: [], second: undefined });
  });

  it('drops the first tokens with truncation_side left', () => {
    expect(truncateSequences([1, 2, 3, 4, 5], undefined, 2, 'left')).toEqual({ first: [3, 4, 5], second: undefined });
    expect(truncateSequences([1, 2, 3], [7, 8, 9], 2, 'left')).toEqual({ first: [2, 3], second: [8, 9] });
  });

  it('does not mutate its inputs', () => {
    const a = [1, 2, 3];
    truncateSequences(a, undefined, 2);
    expect(a).toEqual([1, 2, 3]);
  });
});
