import { WorkbenchError, resolveConfig, type Defaults } from '@workbench/core';
import { BasicTokenizer } from './basic-tokenizer.ts';
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
/** Pair keys pack two symbol ids into one number: a * SYMBOL_LIMIT + b stays below 2^53. */
const SYMBOL_LIMIT = 2 ** 24;

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

  // 3. Symbols and words as symbol-id sequences.
  const symbols: string[] = [];
  const symbolId = new Map<string, number>();
  const intern = (s: string): number => {
    let id = symbolId.get(s);
    if (id === undefined) {
      id = symbols.length;
      if (id >= SYMBOL_LIMIT) throw new WorkbenchError('INTERNAL', 'trainWordPiece: too many symbols');
      symbols.push(s);
      symbolId.set(s, id);
    }
    return id;
  };
  const vocab = initial.slice();
  const inVocab = new Set(vocab);
  for (const s of initial) intern(s);
  const alphabetSet = new Set(alphabet);
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of wordFreq) {
    const chars = Array.from(w);
    if (chars.length > cfg.maxInputCharsPerWord || !chars.every((c) => alphabetSet.has(c))) continue;
    words.push(chars.map((c, i) => symbolId.get(i === 0 ? c : PREFIX + c) as number));
    freqs.push(f);
  }

  // 4. Pair counts, the words each pair occurs in (may hold stale entries), and a lazy max-heap.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  /** Adds `delta` to a pair's count; `touched` remembers each pair's count before this round. */
  const bump = (key: number, delta: number, w: number, touched: Map<number, number>): void => {
    const c = pairCount.get(key) ?? 0;
    if (!touched.has(key)) touched.set(key, c);
    if (c + delta <= 0) pairCount.delete(key);
    else pairCount.set(key, c + delta);
    if (delta > 0) {
      let set = pairWords.get(key);
      if (!set) pairWords.set(key, (set = new Set()));
      set.add(w);
    }
  };
  const initialKeys = new Map<number, number>();
  for (let w = 0; w < words.length; w++) {
    const syms = words[w] as number[];
    for (let i = 0; i < syms.length - 1; i++) bump((syms[i] as number) * SYMBOL_LIMIT + (syms[i + 1] as number), freqs[w] as number, w, initialKeys);
  }
  const heap = new PairHeap((key) => symbols[Math.floor(key / SYMBOL_LIMIT)] as string, (key) => symbols[key % SYMBOL_LIMIT] as string);
  for (const key of initialKeys.keys()) heap.push(pairCount.get(key) as number, key);

  // 5. Merge until the vocabulary is full or no pair is frequent enough.
  let merges = 0;
  while (vocab.length < cfg.vocabSize) {
    const top = heap.pop();
    if (top === undefined) break;
    const [count, key] = top;
    if (pairCount.get(key) !== count) continue; // stale entry: a fresher one was pushed when the count changed
    if (count < cfg.minFrequency) break;
    const a = Math.floor(key / SYMBOL_LIMIT);
    const b = key % SYMBOL_LIMIT;
    const merged = (symbols[a] as string) + (symbols[b] as string).slice(PREFIX.length);
    const c = intern(merged);
    if (!inVocab.has(merged)) {
      vocab.push(merged);
      inVocab.add(merged);
    }
    merges++;
    const touched = new Map<number, number>();
    const affected = [...(pairWords.get(key) ?? [])];
    pairWords.delete(key);
    for (const w of affected) {
      const syms = words[w] as number[];
      const f = freqs[w] as number;
      let next: number[] | undefined;
      // Only the pairs around each occurrence change (as Hugging Face tokenizers' Word::merge): with
      // x a b y -> x c y, (x,a) and (b,y) lose f and (x,c) and (c,y) gain f; (a,b) itself is dropped below.
      for (let i = 0; i < syms.length; ) {
        if (i < syms.length - 1 && syms[i] === a && syms[i + 1] === b) {
          next ??= syms.slice(0, i);
          const prev = next.length > 0 ? (next[next.length - 1] as number) : -1;
          if (prev >= 0) {
            // `prev` is the current left neighbour: c itself when the previous pair was merged too.
            bump(prev * SYMBOL_LIMIT + a, -f, w, touched);
            bump(prev * SYMBOL_LIMIT + c, f, w, touched);
          }
          if (i + 2 < syms.length) {
            const after = syms[i + 2] as number;
            bump(b * SYMBOL_LIMIT + after, -f, w, touched);
            // If `after` starts another occurrence, the next step takes (c,a) back and adds (c,c).
            bump(c * SYMBOL_LIMIT + after, f, w, touched);
          }
          next.push(c);
          i += 2;
        } else {
          next?.push(syms[i] as number);
          i += 1;
        }
      }
      if (next) words[w] = next;
    }
    pairCount.delete(key);
    for (const [k, was] of touched) {
      const n = pairCount.get(k);
      if (n !== undefined && n !== was && k !== key) heap.push(n, k);
    }
  }

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

/**
 * Max-heap of (count, pair key): higher count first, then the smaller (first, second) symbol pair in
 * code-point order, so that ties never depend on insertion order.
 */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  constructor(
    private readonly first: (key: number) => string,
    private readonly second: (key: number) => string,
  ) {}

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number] | undefined {
    const n = this.counts.length;
    if (n === 0) return undefined;
    const top: [number, number] = [this.counts[0] as number, this.keys[0] as number];
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.counts.length && this.before(l, m)) m = l;
      if (r < this.counts.length && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    if (ci !== cj) return ci > cj;
    const ki = this.keys[i] as number;
    const kj = this.keys[j] as number;
    if (ki === kj) return false;
    return (compareCodePoints(this.first(ki), this.first(kj)) || compareCodePoints(this.second(ki), this.second(kj))) < 0;
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j] as number, this.counts[i] as number];
    [this.keys[i], this.keys[j]] = [this.keys[j] as number, this.keys[i] as number];
  }
}
