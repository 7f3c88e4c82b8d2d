import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseVocabTxt } from './vocab-files.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

// Differential cases from a Python transcription of BertTokenizer running on CPython's Unicode semantics
// (see test/fixtures/README.md): 400 random texts full of odd whitespace, controls, accents, casing traps.
const fuzz = JSON.parse(readFileSync(fileURLToPath(new URL('../test/fixtures/bert-fuzz.json', import.meta.url)), 'utf8'));
const vocab = parseVocabTxt(readFileSync(fileURLToPath(new URL('../../../fixtures/hf/bert-tiny/vocab.txt', import.meta.url)), 'utf8'), 'vocab.txt');

interface FuzzCase {
  text: string;
  uncased_basic: string[];
  uncased_tokens: string[];
  uncased_char_tokens: string[];
  cased_basic: string[];
  cased_strip_basic: string[];
  lower_keep_accents_basic: string[];
}
const cases = fuzz.cases as FuzzCase[];
const specials = new Set(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);

describe('WordPieceTokenizer against Python semantics (differential fuzz)', () => {
  const uncased = new WordPieceTokenizer({ vocab });
  const settings: [keyof FuzzCase, WordPieceTokenizer][] = [
    ['uncased_basic', uncased],
    ['cased_basic', new WordPieceTokenizer({ vocab, doLowerCase: false })],
    ['cased_strip_basic', new WordPieceTokenizer({ vocab, doLowerCase: false, stripAccents: true })],
    ['lower_keep_accents_basic', new WordPieceTokenizer({ vocab, stripAccents: false })],
  ];

  it('has 400 cases', () => {
    expect(cases).toHaveLength(400);
  });

  it.each(settings.map(([key, tok]) => [key, tok] as const))('basic tokens agree for every text (%s)', (key, tok) => {
    const mismatches = cases.filter((c) => JSON.stringify(tok.basic.tokenize(c.text, specials)) !== JSON.stringify(c[key]));
    expect(mismatches.map((c) => ({ text: c.text, expected: c[key], got: tok.basic.tokenize(c.text, specials) }))).toEqual([]);
  });

  it('full WordPiece tokens agree for every text (uncased, special tokens in the text)', () => {
    const mismatches = cases.filter((c) => JSON.stringify(uncased.tokenize(c.text)) !== JSON.stringify(c.uncased_tokens));
    expect(mismatches.map((c) => ({ text: c.text, expected: c.uncased_tokens, got: uncased.tokenize(c.text) }))).toEqual([]);
  });

  it('full WordPiece tokens agree with a vocabulary holding every character (exposes casing drift)', () => {
    const extension = (fuzz.vocab_extension as string[]).flatMap((c) => [c, `##${c}`]).filter((t) => !vocab.includes(t));
    const chars = new WordPieceTokenizer({ vocab: [...vocab, ...extension] });
    const mismatches = cases.filter((c) => JSON.stringify(chars.tokenize(c.text)) !== JSON.stringify(c.uncased_char_tokens));
    expect(mismatches.map((c) => ({ text: c.text, expected: c.uncased_char_tokens, got: chars.tokenize(c.text) }))).toEqual([]);
    expect(cases.filter((c) => !c.uncased_char_tokens.includes('[UNK]')).length).toBeGreaterThan(200);
  });
});
