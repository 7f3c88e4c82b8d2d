import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

// The golden outputs of transformers 4.30's slow BertTokenizer (see fixtures/hf/README.md).
const DIR = fileURLToPath(new URL('../../../fixtures/hf/bert-tiny/', import.meta.url));
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8'));
const vocab = readFileSync(`${DIR}vocab.txt`, 'utf8').split('\n').slice(0, -1);

const tok = new WordPieceTokenizer({ vocab, doLowerCase: true, stripAccents: null, tokenizeChineseChars: true, modelMaxLength: 64 });

interface BertCase {
  text: string;
  basic_tokens: string[];
  wordpiece_tokens: string[];
  tokens: string[];
  input_ids: number[];
  attention_mask: number[];
  token_type_ids: number[];
}
const cases = expected.encodings as BertCase[];

describe('WordPieceTokenizer conformance with BertTokenizer (bert-tiny fixture)', () => {
  it('has the fixture vocabulary and special ids', () => {
    expect(tok.vocabSize).toBe(332);
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 1, 2, 3, 4]);
    expect([...tok.specialIds].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('basic tokens of %s', (_name, c) => {
    expect(tok.basic.tokenize(c.text, new Set(Object.values(tok.specialTokens)))).toEqual(c.basic_tokens);
  });

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('wordpiece tokens of %s', (_name, c) => {
    expect(tok.tokenize(c.text)).toEqual(c.wordpiece_tokens);
  });

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('16-token encoding of %s', (_name, c) => {
    const enc = tok.encode(c.text, { maxLength: 16, padding: 'max_length', truncation: true });
    expect(enc.tokens).toEqual(c.tokens);
    expect(enc.inputIds).toEqual(c.input_ids);
    expect(enc.attentionMask).toEqual(c.attention_mask);
    expect(enc.tokenTypeIds).toEqual(c.token_type_ids);
  });

  it('encodes the batch exactly', () => {
    const batch = tok.encodeBatch(expected.texts, { maxLength: 16, padding: 'max_length', truncation: true });
    expect(batch.length).toBe(16);
    expect(batch.inputIds).toEqual(expected.batch.input_ids);
    expect(batch.attentionMask).toEqual(expected.batch.attention_mask);
    expect(batch.tokenTypeIds).toEqual(expected.batch.token_type_ids);
  });

  it('encodes the sentence pair with token types and longest_first truncation', () => {
    const p = expected.pair_example;
    const enc = tok.encode(p.text_a, { pair: p.text_b, maxLength: 16, padding: 'max_length', truncation: true });
    expect(enc.tokens).toEqual(p.tokens);
    expect(enc.inputIds).toEqual(p.input_ids);
    expect(enc.attentionMask).toEqual(p.attention_mask);
    expect(enc.tokenTypeIds).toEqual(p.token_type_ids);
  });

  it('keeps a literal [MASK] and [SEP] in the text whole', () => {
    const s = expected.special_token_example;
    expect(tok.tokenize(s.text)).toEqual(s.wordpiece_tokens);
    expect(tok.encode(s.text).inputIds).toEqual(s.input_ids);
  });

  it('turns a word over 100 characters into one [UNK], and splits it without the rule', () => {
    const r = expected.long_word_rule;
    expect(Array.from(r.word as string).length).toBe(104);
    expect(tok.wordpiece.tokenizeWord(r.word)).toEqual(r.tokens_with_rule);
    const noRule = new WordPieceTokenizer({ vocab, maxInputCharsPerWord: 1000 });
    expect(noRule.wordpiece.tokenizeWord(r.word)).toEqual(r.tokens_if_rule_were_missing);
  });
});

describe('WordPieceTokenizer behaviour beyond the fixture', () => {
  it('pads a batch to its longest row by default', () => {
    const b = tok.encodeBatch(['the dog', 'the quick brown fox']);
    expect(b.length).toBe(6);
    expect(b.inputIds[0]).toEqual([2, 111, 118, 3, 0, 0]);
    expect(b.attentionMask[0]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(b.inputIds[1]).toEqual([2, 111, 112, 113, 114, 3]);
  });

  it('truncates to model_max_length when asked without a length', () => {
    const long = Array.from({ length: 100 }, () => 'dog').join(' ');
    expect(tok.encode(long, { truncation: true }).inputIds).toHaveLength(64);
    expect(tok.encode(long).inputIds).toHaveLength(102);
  });

  it('rejects a maxLength shorter than the special tokens', () => {
    expect(() => tok.encode('dog', { maxLength: 1 })).toThrow(/maxLength 1 is shorter than the 2 special tokens/);
    expect(() => tok.encodeBatch(['dog'], { padding: false })).toThrow(/padding: false/);
    expect(() => tok.encodeWords(['dog'], { maxLength: 1 })).toThrow(/maxLength 1 is shorter than the 2 special tokens/);
    expect(() => tok.encode('dog', { pair: 'cat', maxLength: 2 })).toThrow(/maxLength 2 is shorter than the 3 special tokens/);
  });

  it('encodes without special tokens (all token types 0, as HF)', () => {
    const enc = tok.encode('the dog', { addSpecialTokens: false, pair: 'the fox' });
    expect(enc.inputIds).toEqual([111, 118, 111, 114]);
    expect(enc.tokenTypeIds).toEqual([0, 0, 0, 0]);
  });

  it('decodes, joining ## pieces and cleaning spaces before punctuation', () => {
    const ids = tok.encode('The dog jumps over the fox.').inputIds;
    expect(tok.decode(ids)).toBe('[CLS] the dog jumps over the fox. [SEP]');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('the dog jumps over the fox.');
    expect(tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe('the dog jumps over the fox .');
    expect(tok.decode([9999])).toBe('[UNK]');
  });

  it('removes control characters, maps odd whitespace, and splits every ASCII symbol', () => {
    expect(tok.basic.tokenize('a\u0000b\u200bc\u00a0d\te$f^g')).toEqual(['abc', 'd', 'e', '$', 'f', '^', 'g']);
  });

  it('lower-cases without stripping accents when strip_accents is false, and strips without lower-casing when true', () => {
    const keep = new WordPieceTokenizer({ vocab, stripAccents: false });
    expect(keep.basic.tokenize('Café')).toEqual(['café']);
    const cased = new WordPieceTokenizer({ vocab, doLowerCase: false, stripAccents: true });
    expect(cased.basic.tokenize('Café')).toEqual(['Cafe']);
    const plain = new WordPieceTokenizer({ vocab, doLowerCase: false });
    expect(plain.basic.tokenize('Café')).toEqual(['Café']);
  });

  it('treats decomposed and composed accents alike (NFC)', () => {
    const cased = new WordPieceTokenizer({ vocab, doLowerCase: false });
    expect(cased.basic.tokenize('Cafe\u0301')).toEqual(['Café']);
  });

  it('keeps CJK ideographs apart only when tokenize_chinese_chars is on', () => {
    const off = new WordPieceTokenizer({ vocab, tokenizeChineseChars: false });
    expect(off.basic.tokenize('我语言')).toEqual(['我语言']);
    expect(tok.basic.tokenize('我语言')).toEqual(['我', '语', '言']);
  });

  it('lower-cases code point by code point outside special tokens, as the reference does', () => {
    // Python's per-character str.lower() gives σ for a final capital sigma; so must we.
    expect(tok.basic.tokenize('ΟΔΟΣ')).toEqual(['οδος']);
    expect(tok.tokenize('ΟΔΟΣ [MASK]')).toEqual(['[UNK]', '[MASK]']);
    const greek = new WordPieceTokenizer({ vocab: [...vocab, 'οδοσ'] });
    expect(greek.tokenize('ΟΔΟΣ')).toEqual(['οδοσ']);
  });

  it('encodes pre-split words with word ids for label alignment', () => {
    const enc = tok.encodeWords(['The', 'unhappiness', 'e-mail']);
    expect(enc.tokens).toEqual(['[CLS]', 'the', 'un', '##happi', '##ness', 'e', '-', 'mail', '[SEP]']);
    expect(enc.wordIds).toEqual([null, 0, 1, 1, 1, 2, 2, 2, null]);
    const cut = tok.encodeWords(['The', 'unhappiness', 'e-mail'], { maxLength: 6, padding: 'max_length' });
    expect(cut.tokens).toEqual(['[CLS]', 'the', 'un', '##happi', '##ness', '[SEP]']);
    expect(cut.wordIds).toEqual([null, 0, 1, 1, 1, null]);
    const padded = tok.encodeWords(['dog'], { maxLength: 5, padding: 'max_length' });
    expect(padded.wordIds).toEqual([null, 0, null, null, null]);
    expect(padded.attentionMask).toEqual([1, 1, 1, 0, 0]);
  });

  it('encodes a batch of sentence pairs', () => {
    const b = tok.encodeBatch([['the dog', 'the fox'], 'dog']);
    expect(b.inputIds).toEqual([
      [2, 111, 118, 3, 111, 114, 3],
      [2, 118, 3, 0, 0, 0, 0],
    ]);
    expect(b.tokenTypeIds[0]).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('pads and truncates on the left when configured so (HF padding_side / truncation_side)', () => {
    const left = new WordPieceTokenizer({ vocab, paddingSide: 'left', truncationSide: 'left' });
    const enc = left.encode('the quick brown fox', { maxLength: 4, padding: 'max_length' });
    expect(enc.tokens).toEqual(['[CLS]', 'brown', 'fox', '[SEP]']);
    const padded = left.encode('the dog', { maxLength: 6, padding: 'max_length' });
    expect(padded.inputIds).toEqual([0, 0, 2, 111, 118, 3]);
    expect(padded.attentionMask).toEqual([0, 0, 1, 1, 1, 1]);
    expect(left.encodeBatch(['the dog', 'dog']).inputIds).toEqual([
      [2, 111, 118, 3],
      [0, 2, 118, 3],
    ]);
    const words = left.encodeWords(['the', 'quick', 'brown'], { maxLength: 6, padding: 'max_length' });
    expect(words.tokens).toEqual(['[PAD]', '[CLS]', 'the', 'quick', 'brown', '[SEP]']);
    expect(words.wordIds).toEqual([null, null, 0, 1, 2, null]);
    const cut = left.encodeWords(['the', 'quick', 'brown'], { maxLength: 4 });
    expect(cut.tokens).toEqual(['[CLS]', 'quick', 'brown', '[SEP]']);
    expect(cut.wordIds).toEqual([null, 1, 2, null]);
  });

  it('does not lower-case at all without the basic tokenizer, as the reference', () => {
    const raw = new WordPieceTokenizer({ vocab, doBasicTokenize: false });
    expect(raw.tokenize('the The')).toEqual(['the', '[UNK]']);
  });

  it('never_split keeps words whole in the basic tokenizer', () => {
    const ns = new WordPieceTokenizer({ vocab, neverSplit: ['e-mail'], doLowerCase: false });
    expect(ns.basic.tokenize('an e-mail')).toEqual(['an', 'e-mail']);
  });
});
