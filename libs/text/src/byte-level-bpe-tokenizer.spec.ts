import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import { parseMerges, parseVocabJson } from './vocab-files.ts';

// The golden outputs of transformers 4.30's slow RobertaTokenizer (see fixtures/hf/README.md).
const DIR = fileURLToPath(new URL('../../../fixtures/hf/roberta-tiny/', import.meta.url));
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8'));
const vocab = parseVocabJson(readFileSync(`${DIR}vocab.json`, 'utf8'), 'vocab.json');
const merges = parseMerges(readFileSync(`${DIR}merges.txt`, 'utf8'), 'merges.txt');
const tok = new ByteLevelBpeTokenizer({ vocab, merges, modelMaxLength: 64 });

interface RobertaCase {
  text: string;
  pretokens: string[];
  bpe_tokens: string[];
  tokens: string[];
  input_ids: number[];
  attention_mask: number[];
  decoded: string;
}
const cases = (expected.encodings as RobertaCase[]).map((c) => [JSON.stringify(c.text), c] as const);

describe('ByteLevelBpeTokenizer conformance with RobertaTokenizer (roberta-tiny fixture)', () => {
  it('reads the 300 merges and 561 tokens', () => {
    expect(merges).toHaveLength(300);
    expect(tok.vocabSize).toBe(561);
    expect([tok.clsId, tok.padId, tok.sepId, tok.unkId, tok.maskId]).toEqual([0, 1, 2, 3, 560]);
  });

  it.each(cases)('pre-tokenizer pieces of %s', (_n, c) => {
    expect(tok.preTokenize(c.text)).toEqual(c.pretokens);
  });

  it.each(cases)('BPE tokens of %s', (_n, c) => {
    expect(tok.tokenize(c.text)).toEqual(c.bpe_tokens);
  });

  it.each(cases)('16-token encoding of %s', (_n, c) => {
    const enc = tok.encode(c.text, { maxLength: 16, padding: 'max_length', truncation: true });
    expect(enc.tokens).toEqual(c.tokens);
    expect(enc.inputIds).toEqual(c.input_ids);
    expect(enc.attentionMask).toEqual(c.attention_mask);
    expect(enc.tokenTypeIds).toEqual(new Array(16).fill(0));
  });

  it.each(cases)('decoded text of %s (a cut UTF-8 sequence becomes U+FFFD)', (_n, c) => {
    expect(tok.decode(c.input_ids, { skipSpecialTokens: true })).toBe(c.decoded);
  });

  it('encodes the batch exactly', () => {
    const batch = tok.encodeBatch(expected.texts, { maxLength: 16, padding: 'max_length', truncation: true });
    expect(batch.inputIds).toEqual(expected.batch.input_ids);
    expect(batch.attentionMask).toEqual(expected.batch.attention_mask);
  });

  it('joins a pair with </s></s>', () => {
    const p = expected.pair_example;
    const enc = tok.encode(p.text_a, { pair: p.text_b, maxLength: 16, padding: 'max_length', truncation: true });
    expect(enc.tokens).toEqual(p.tokens);
    expect(enc.inputIds).toEqual(p.input_ids);
    expect(enc.attentionMask).toEqual(p.attention_mask);
    expect(enc.tokenTypeIds).toEqual(new Array(16).fill(0));
  });

  it('keeps a literal <mask> and </s> whole; <mask> swallows the space before it', () => {
    const s = expected.special_token_example;
    expect(tok.tokenize(s.text)).toEqual(s.bpe_tokens);
    expect(tok.encode(s.text).inputIds).toEqual(s.input_ids);
  });
});

describe('ByteLevelBpeTokenizer behaviour beyond the fixture', () => {
  it('adds a prefix space when add_prefix_space is set, so the first word reads like the others', () => {
    const spaced = new ByteLevelBpeTokenizer({ vocab, merges, addPrefixSpace: true });
    expect(spaced.tokenize('the fox')).toEqual(['Ġthe', 'Ġfox']);
    expect(spaced.tokenize(' the')).toEqual(['Ġthe']);
    expect(tok.tokenize('the fox')[0]).not.toBe('Ġthe');
  });

  it('encodes pre-split words with a prefix space on each word, and word ids', () => {
    const enc = tok.encodeWords(['The', 'dog', 'jumps']);
    const pieces = ['The', 'dog', 'jumps'].map((w) => tok.tokenize(` ${w}`));
    expect(pieces[1]).toEqual(['Ġdog']);
    expect(enc.tokens).toEqual(['<s>', ...pieces.flat(), '</s>']);
    expect(enc.wordIds).toEqual([null, ...pieces.flatMap((p, i) => p.map(() => i)), null]);
  });

  it('never produces <unk>: any byte string is covered', () => {
    const text = 'naïve 🙂 \u0000 \u{10ffff}';
    const ids = tok.encode(text, { addSpecialTokens: false }).inputIds;
    expect(ids).not.toContain(tok.unkId);
    expect(tok.decode(ids)).toBe(text);
  });

  it('round-trips text through encode and decode', () => {
    for (const c of expected.encodings as RobertaCase[]) {
      expect(tok.decode(tok.encode(c.text).inputIds, { skipSpecialTokens: true })).toBe(c.text);
    }
  });

  it('keeps special tokens when decoding unless asked to skip them', () => {
    expect(tok.decode(tok.encode('The dog').inputIds)).toBe('<s>The dog</s>');
  });

  it('rejects ids outside the vocabulary when decoding', () => {
    expect(() => tok.decode([5000])).toThrow(/cannot decode id 5000/);
  });

  it('treats U+0085 as whitespace and U+FEFF as not, like Python regex', () => {
    expect(tok.preTokenize('a\u0085b')).toEqual(['a', '\u0085', 'b']);
    expect(tok.preTokenize('a \ufeffb')).toEqual(['a', ' \ufeff', 'b']);
  });

  it("splits English contractions like GPT-2", () => {
    expect(tok.preTokenize("I'm sure it's  there")).toEqual(['I', "'m", ' sure', ' it', "'s", ' ', ' there']);
  });
});
