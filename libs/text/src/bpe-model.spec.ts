import { BpeModel } from './bpe-model.ts';

describe('BpeModel', () => {
  it('merges by rank, lowest first, every occurrence left to right', () => {
    const bpe = new BpeModel([
      ['a', 'b'],
      ['ab', 'c'],
      ['b', 'c'],
    ]);
    expect(bpe.encodeWord('abc')).toEqual(['abc']);
    expect(bpe.encodeWord('bcab')).toEqual(['bc', 'ab']);
    expect(bpe.encodeWord('abab')).toEqual(['ab', 'ab']);
    expect(bpe.encodeWord('x')).toEqual(['x']);
    expect(bpe.rank('ab', 'c')).toBe(1);
    expect(bpe.rank('c', 'a')).toBeUndefined();
  });

  it('merges overlapping runs without overlap: aaa -> aa a', () => {
    expect(new BpeModel([['a', 'a']]).encodeWord('aaa')).toEqual(['aa', 'a']);
  });

  it('gives a repeated merge rule its last rank, as a Python dict would', () => {
    const bpe = new BpeModel([
      ['a', 'b'],
      ['b', 'c'],
      ['a', 'b'],
    ]);
    expect(bpe.rank('a', 'b')).toBe(2);
    expect(bpe.encodeWord('abc')).toEqual(['a', 'bc']);
  });
});
