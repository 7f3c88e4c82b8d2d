import { formatMerges, formatVocabTxt, parseJsonFile, parseMerges, parseVocabJson, parseVocabTxt } from './vocab-files.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

describe('vocab.txt', () => {
  it('reads one token per line, CRLF like LF, a missing final newline included', () => {
    expect(parseVocabTxt('a\nb\n', 'v')).toEqual(['a', 'b']);
    expect(parseVocabTxt('a\r\nb\r\n', 'v')).toEqual(['a', 'b']);
    expect(parseVocabTxt('a\nb', 'v')).toEqual(['a', 'b']);
    // An empty line is a token (the empty string), as in the reference.
    expect(parseVocabTxt('a\n\nb\n', 'v')).toEqual(['a', '', 'b']);
    expect(() => parseVocabTxt('', 'v.txt')).toThrow(/v.txt: the vocabulary is empty/);
  });

  it('round-trips through formatVocabTxt and refuses tokens with line breaks', () => {
    expect(parseVocabTxt(formatVocabTxt(['[PAD]', 'é', '##x']), 'v')).toEqual(['[PAD]', 'é', '##x']);
    expect(() => formatVocabTxt(['a\nb'])).toThrow(/contains a line break/);
  });

  it('a token listed twice keeps its last id, both ids decode to it (as the reference dict)', () => {
    const tok = new WordPieceTokenizer({ vocab: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b', 'a'] });
    expect(tok.tokenToId('a')).toBe(7);
    expect(tok.idToToken(5)).toBe('a');
    expect(tok.vocabSize).toBe(8);
  });
});

describe('merges.txt', () => {
  it('skips the first line and the text after the last newline, as read().split("\\n")[1:-1]', () => {
    expect(parseMerges('#version: 0.2\na b\nc d\n', 'm')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    // No final newline: the last rule is dropped by the reference, so here too.
    expect(parseMerges('#version: 0.2\na b\nc d', 'm')).toEqual([['a', 'b']]);
    // The first line is skipped even when it is a rule.
    expect(parseMerges('x y\na b\n', 'm')).toEqual([['a', 'b']]);
    expect(parseMerges('#version: 0.2\r\na b\r\n\r\nc d\r\n', 'm')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('names the file and line of a malformed rule', () => {
    expect(() => parseMerges('#v\na b\nabc\n', 'merges.txt')).toThrow(/merges.txt:3: malformed merge rule "abc": expected two symbols separated by a space, found 1/);
  });

  it('round-trips through formatMerges', () => {
    const m: [string, string][] = [
      ['Ġ', 't'],
      ['h', 'e'],
    ];
    expect(parseMerges(formatMerges(m), 'm')).toEqual(m);
  });
});

describe('JSON files', () => {
  it('reports line and column of a syntax error', () => {
    try {
      parseJsonFile('{\n  "a": 1,\n  oops\n}', 'x.json');
      throw new Error('no error');
    } catch (e) {
      expect((e as { code: string }).code).toBe('TOKENIZER_INVALID');
      expect((e as { where: { file: string; line: number } }).where).toMatchObject({ file: 'x.json', line: 3 });
    }
  });

  it('vocab.json must map tokens to non-negative integer ids', () => {
    expect(parseVocabJson('{"a": 0, "b": 1}', 'v')).toEqual({ a: 0, b: 1 });
    expect(() => parseVocabJson('{"a": -1}', 'v.json')).toThrow(/v.json: "a": token "a" has id -1/);
    expect(() => parseVocabJson('{}', 'v.json')).toThrow(/the vocabulary is empty/);
    expect(() => parseVocabJson('3', 'v.json')).toThrow(/expected an object mapping tokens to ids, got number/);
  });
});
