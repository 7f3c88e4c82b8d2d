import { WorkbenchError, resolveConfig, type Defaults } from '@workbench/core';
import { BasicTokenizer } from './basic-tokenizer.ts';
import { learnMerges } from './merge-learner.ts';
import { compareCodePoints } from './python-json.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

export interface WordPieceTrainerConfig {
  /** Target vocabulary size, special tokens and alphabet included. */
  vocabSize?: number;
  /** A pair is merged only if it occurs at least this often (counting word frequency). */
  minFrequency?: number;
  /** Lower-case (and strip accents unless `stripAccents` is false), as an uncased BERT. */
  lowercase?: boolean;
  /** null: strip accents iff lower-casing. */
  stripAccents?: boolean | null;
  tokenizeChineseChars?: boolean;
  /** Special tokens, first in the vocabulary in this order; they must include [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specialTokens?: string[];
  /** Keep only the this many most frequent characters (null: all); words with other characters are not learned from. */
  limitAlphabet?: number | null;
  /** Words longer than this (in code points) are [UNK] at tokenization, so they are not learned from. */
  maxInputCharsPerWord?: number;
  /** model_max_length recorded in the tokenizer (null: no limit). */
  modelMaxLength?: number | null;
}

export const DEFAULT_WORDPIECE_TRAINER: Defaults<WordPieceTrainerConfig> = {
  vocabSize: 8000,
  minFrequency: 2,
  lowercase: true,
  stripAccents: null,
  tokenizeChineseChars: true,
  specialTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'],
  limitAlphabet: null,
  maxInputCharsPerWord: 100,
  modelMaxLength: null,
};

export interface TrainedWordPiece {
  /** The vocabulary in id order: special tokens, characters, `##` characters, then merged pieces in merge order. */
  vocab: string[];
  tokenizer: WordPieceTokenizer;
  stats: { texts: number; distinctWords: number; alphabet: number; merges: number; config: Defaults<WordPieceTrainerConfig> };
}

const PREFIX = '##';

/**
 * Learns a WordPiece vocabulary from a corpus, deterministically: the same corpus and config give a
 * byte-identical vocabulary whatever the order of the texts. Words come from BERT's basic tokenizer (the one
 * the trained tokenizer runs); pieces are learned like Hugging Face tokenizers' WordPieceTrainer, i.e. BPE
 * merges with `##` continuation pieces: repeatedly merge the most frequent adjacent pair, ties broken by the
 * smaller pair in code-point order. Incremental pair counts and a lazy max-heap keep it fast (~10k texts in
 * about a second).
 */
export function trainWordPiece(corpus: Iterable<string>, config: WordPieceTrainerConfig = {}): TrainedWordPiece {
  const cfg = resolveConfig<WordPieceTrainerConfig>(DEFAULT_WORDPIECE_TRAINER, config, { where: { source: 'trainWordPiece' } });
  validate(cfg);
  const specials = cfg.specialTokens;
  const basic = new BasicTokenizer({ doLowerCase: cfg.lowercase, stripAccents: cfg.stripAccents, tokenizeChineseChars: cfg.tokenizeChineseChars, neverSplit: specials });
  const specialSet = new Set(specials);

  // 1. Word frequencies.
  const wordFreq = new Map<string, number>();
  let texts = 0;
  for (const text of corpus) {
    texts++;
    for (const w of basic.tokenize(text)) {
      if (specialSet.has(w)) continue;
      wordFreq.set(w, (wordFreq.get(w) ?? 0) + 1);
    }
  }

  // 2. Alphabet: characters by frequency (ties by code point), optionally limited.
  const charFreq = new Map<string, number>();
  for (const [w, f] of wordFreq) {
    const n = Array.from(w).length;
    if (n > cfg.maxInputCharsPerWord) continue;
    for (const ch of w) charFreq.set(ch, (charFreq.get(ch) ?? 0) + f);
  }
  let alphabet = [...charFreq.keys()];
  if (cfg.limitAlphabet !== null && alphabet.length > cfg.limitAlphabet) {
    alphabet.sort((a, b) => (charFreq.get(b) as number) - (charFreq.get(a) as number) || compareCodePoints(a, b));
    alphabet = alphabet.slice(0, cfg.limitAlphabet);
  }
  alphabet.sort(compareCodePoints);
  const initial = [...specials, ...alphabet, ...alphabet.map((c) => PREFIX + c)];
  if (initial.length > cfg.vocabSize) {
    throw new WorkbenchError('CONFIG_INVALID', `vocabSize ${cfg.vocabSize} is smaller than the ${specials.length} special tokens plus ${alphabet.length} characters in both forms (${initial.length})`, {
      where: { source: 'trainWordPiece', path: 'vocabSize' },
      hint: `raise vocabSize or set limitAlphabet (e.g. ${Math.max(1, Math.floor((cfg.vocabSize - specials.length) / 4))})`,
    });
  }

  // 3. Words as symbol sequences (first character plain, the others ## pieces), then the merges.
  const alphabetSet = new Set(alphabet);
  const words: string[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of wordFreq) {
    const chars = Array.from(w);
    if (chars.length > cfg.maxInputCharsPerWord || !chars.every((c) => alphabetSet.has(c))) continue;
    words.push(chars.map((c, i) => (i === 0 ? c : PREFIX + c)));
    freqs.push(f);
  }
  const learned = learnMerges({
    initialSymbols: initial,
    words,
    freqs,
    join: (x, y) => x + y.slice(PREFIX.length),
    maxNewTokens: cfg.vocabSize - initial.length,
    minFrequency: cfg.minFrequency,
  });
  const vocab = [...initial, ...learned.newTokens];
  const merges = learned.merges.length;

  const tokenizer = new WordPieceTokenizer({
    vocab,
    doLowerCase: cfg.lowercase,
    stripAccents: cfg.stripAccents,
    tokenizeChineseChars: cfg.tokenizeChineseChars,
    specialTokens: { pad: specials[0], unk: specials[1], cls: specials[2], sep: specials[3], mask: specials[4] },
    additionalSpecialTokens: specials.slice(5),
    maxInputCharsPerWord: cfg.maxInputCharsPerWord,
    modelMaxLength: cfg.modelMaxLength ?? undefined,
  });
  return { vocab, tokenizer, stats: { texts, distinctWords: wordFreq.size, alphabet: alphabet.length, merges, config: cfg } };
}

function validate(cfg: Defaults<WordPieceTrainerConfig>): void {
  const where = (path: string) => ({ source: 'trainWordPiece', path });
  const posInt = (v: unknown, path: string): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new WorkbenchError('CONFIG_TYPE', `${path} must be a positive integer, got ${JSON.stringify(v)}`, { where: where(path) });
  };
  posInt(cfg.vocabSize, 'vocabSize');
  posInt(cfg.minFrequency, 'minFrequency');
  posInt(cfg.maxInputCharsPerWord, 'maxInputCharsPerWord');
  if (cfg.limitAlphabet !== null) posInt(cfg.limitAlphabet, 'limitAlphabet');
  if (cfg.modelMaxLength !== null) posInt(cfg.modelMaxLength, 'modelMaxLength');
  const s = cfg.specialTokens;
  if (s.length < 5 || new Set(s).size !== s.length || !s.every((t) => typeof t === 'string' && t !== '')) {
    throw new WorkbenchError('CONFIG_INVALID', `specialTokens must list at least 5 distinct tokens (pad, unk, cls, sep, mask in that order), got ${JSON.stringify(s)}`, {
      where: where('specialTokens'),
    });
  }
}
