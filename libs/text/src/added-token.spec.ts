import { AddedTokenSplitter } from './added-token.ts';

const tok = (content: string, lstrip = false, rstrip = false) => ({ content, lstrip, rstrip });

describe('AddedTokenSplitter', () => {
  it('splits out tokens, longest first at a position, regex characters taken literally', () => {
    const s = new AddedTokenSplitter([tok('<|a|>'), tok('<|a|>.*'), tok('[X]')]);
    expect(s.split('x<|a|>.*y[X]<|a|>')).toEqual([
      { text: 'x', added: false },
      { text: '<|a|>.*', added: true },
      { text: 'y', added: false },
      { text: '[X]', added: true },
      { text: '<|a|>', added: true },
    ]);
    expect(s.split('a.b')).toEqual([{ text: 'a.b', added: false }]);
  });

  it('strips whitespace on the sides the flags name (Python whitespace)', () => {
    const s = new AddedTokenSplitter([tok('<mask>', true, false), tok('<r>', false, true)]);
    expect(s.split('a  <mask> b')).toEqual([
      { text: 'a', added: false },
      { text: '<mask>', added: true },
      { text: ' b', added: false },
    ]);
    expect(s.split('a <r> \u3000b')).toEqual([
      { text: 'a ', added: false },
      { text: '<r>', added: true },
      { text: 'b', added: false },
    ]);
    // A piece stripped to nothing disappears.
    expect(s.split('  <mask>')).toEqual([{ text: '<mask>', added: true }]);
  });

  it('handles no tokens and empty text', () => {
    expect(new AddedTokenSplitter([]).split('abc')).toEqual([{ text: 'abc', added: false }]);
    expect(new AddedTokenSplitter([tok('x')]).split('')).toEqual([]);
    expect(new AddedTokenSplitter([tok('x'), tok('x'), tok('')]).size).toBe(1);
  });
});
