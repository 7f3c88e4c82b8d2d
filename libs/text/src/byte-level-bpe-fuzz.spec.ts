import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import { parseMerges, parseVocabJson } from './vocab-files.ts';

// Differential cases from a Python transcription of RobertaTokenizer run with the `regex` module
// (see test/fixtures/README.md): 400 random texts full of odd whitespace, contractions, astral characters.
const fuzz = JSON.parse(readFileSync(fileURLToPath(new URL('../test/fixtures/roberta-fuzz.json', import.meta.url)), 'utf8'));
const dir = fileURLToPath(new URL('../../../fixtures/hf/roberta-tiny/', import.meta.url));
const vocab = parseVocabJson(readFileSync(`${dir}vocab.json`, 'utf8'), 'vocab.json');
const merges = parseMerges(readFileSync(`${dir}merges.txt`, 'utf8'), 'merges.txt');

interface FuzzCase {
  text: string;
  pretokens: string[];
  tokens: string[];
  prefix_space_tokens: string[];
  ids: number[];
  cut_ids: number[];
  cut_decoded: string;
}
const cases = fuzz.cases as FuzzCase[];

describe('ByteLevelBpeTokenizer against Python regex semantics (differential fuzz)', () => {
  const tok = new ByteLevelBpeTokenizer({ vocab, merges });
  const spaced = new ByteLevelBpeTokenizer({ vocab, merges, addPrefixSpace: true });

  it('has 400 cases', () => {
    expect(cases).toHaveLength(400);
  });

  const check = <T>(name: keyof FuzzCase, f: (c: FuzzCase) => T): void => {
    const bad = cases.filter((c) => JSON.stringify(f(c)) !== JSON.stringify(c[name]));
    expect(bad.map((c) => ({ text: c.text, expected: c[name], got: f(c) }))).toEqual([]);
  };

  it('GPT-2 pre-tokenizer pieces agree for every text', () => check('pretokens', (c) => tok.preTokenize(c.text)));
  it('BPE tokens agree for every text (special tokens and <mask> lstrip included)', () => check('tokens', (c) => tok.tokenize(c.text)));
  it('ids agree for every text', () => check('ids', (c) => tok.encode(c.text, { addSpecialTokens: false }).inputIds));
  it('tokens with add_prefix_space agree for every text', () => check('prefix_space_tokens', (c) => spaced.tokenize(c.text)));
  it('decoding cut id sequences agrees (U+FFFD for cut characters, clean-up of spaces)', () =>
    check('cut_decoded', (c) => tok.decode(c.cut_ids, { skipSpecialTokens: true })));
});
