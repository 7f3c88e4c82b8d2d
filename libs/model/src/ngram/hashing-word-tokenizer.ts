import { resolveConfig, WorkbenchError, type DeepPartial } from '@workbench/core';
import { hashString } from './feature-hash.ts';

export interface HashingWordTokenizerConfig {
  /** Ids are [0, vocabSize): the 5 special ids, then hashed words. */
  vocabSize?: number;
  /** Keep at most this many words of a text (the first ones). */
  maxLength?: number;
}

export const DEFAULT_HASHING_WORD_TOKENIZER: Required<HashingWordTokenizerConfig> = {
  vocabSize: 65536,
  maxLength: 256,
};

/** The special ids, fixed so that every hashing tokenizer agrees on them. */
export const NGRAM_SPECIAL_IDS = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 } as const;
const NUM_SPECIAL = 5;

/** Unicode letters and digits (with underscores): "GTK+ 3.0's" -> gtk, 3, 0, s. */
const WORD = /[\p{L}\p{N}_]+/gu;

/** A padded batch, row-major. */
export interface WordBatch {
  inputIds: Int32Array;
  attentionMask: Float32Array;
  batch: number;
  length: number;
}

/**
 * The word tokenizer of the bag-of-n-grams encoder. It needs no trained vocabulary: a text is lower-cased,
 * split into runs of letters, digits and underscores, and each word is hashed (FNV-1a + murmur3 finaliser) into
 * [5, vocabSize); ids 0-4 are [PAD] [UNK] [CLS] [SEP] [MASK]. Distinct words may share an id (hash collisions,
 * as in fastText and Vowpal Wabbit); with 65,536 ids and the ~20k distinct words of a few thousand Debian
 * descriptions, about 15% of words share their id with another word.
 */
export class HashingWordTokenizer {
  readonly config: Required<HashingWordTokenizerConfig>;
  readonly vocabSize: number;
  readonly padId = NGRAM_SPECIAL_IDS.pad;
  readonly unkId = NGRAM_SPECIAL_IDS.unk;
  readonly clsId = NGRAM_SPECIAL_IDS.cls;
  readonly sepId = NGRAM_SPECIAL_IDS.sep;
  readonly maskId = NGRAM_SPECIAL_IDS.mask;
  /** Ids that a masked-LM objective must never mask and never draw as a random replacement. */
  readonly specialIds: ReadonlySet<number> = new Set(Object.values(NGRAM_SPECIAL_IDS));
  /** The first id that is a word (ids below are special). */
  readonly firstWordId = NUM_SPECIAL;

  constructor(config: DeepPartial<HashingWordTokenizerConfig> = {}) {
    this.config = resolveConfig(DEFAULT_HASHING_WORD_TOKENIZER, config, { where: { path: 'tokenizer' } });
    const { vocabSize, maxLength } = this.config;
    if (!Number.isInteger(vocabSize) || vocabSize <= NUM_SPECIAL) {
      throw new WorkbenchError('CONFIG_TYPE', `vocabSize must be an integer > ${NUM_SPECIAL}, got ${vocabSize}`, { where: { path: 'tokenizer.vocabSize' } });
    }
    if (!Number.isInteger(maxLength) || maxLength <= 0) {
      throw new WorkbenchError('CONFIG_TYPE', `maxLength must be a positive integer, got ${maxLength}`, { where: { path: 'tokenizer.maxLength' } });
    }
    this.vocabSize = vocabSize;
  }

  /** The words of a text, lower-cased, untruncated. */
  tokenize(text: string): string[] {
    return text.toLowerCase().match(WORD) ?? [];
  }

  /** The id of one (already lower-cased) word. */
  wordId(word: string): number {
    return NUM_SPECIAL + (hashString(word) % (this.vocabSize - NUM_SPECIAL));
  }

  /** Ids of a text's first `maxLength` words. */
  encode(text: string): Int32Array {
    const words = this.tokenize(text);
    const n = Math.min(words.length, this.config.maxLength);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = this.wordId(words[i] as string);
    return ids;
  }

  /**
   * Encoded texts padded to the longest row (dynamic padding), or to `padTo` when given. A row with no word
   * keeps one [PAD] column so that shapes stay non-empty; its mask is all zero.
   */
  encodeBatch(texts: readonly string[], options: { padTo?: number } = {}): WordBatch {
    return padIds(texts.map((t) => this.encode(t)), this.padId, options.padTo);
  }
}

/** Pads id rows to the longest (or to `padTo`, which must be at least the longest), with a 0/1 mask. */
export function padIds(rows: readonly Int32Array[], padId: number, padTo?: number): WordBatch {
  const longest = rows.reduce((m, r) => Math.max(m, r.length), 1);
  if (padTo !== undefined && padTo < longest) throw new Error(`padIds: padTo ${padTo} is shorter than the longest row (${longest})`);
  const length = padTo ?? longest;
  const inputIds = new Int32Array(rows.length * length).fill(padId);
  const attentionMask = new Float32Array(rows.length * length);
  rows.forEach((r, i) => {
    inputIds.set(r, i * length);
    attentionMask.fill(1, i * length, i * length + r.length);
  });
  return { inputIds, attentionMask, batch: rows.length, length };
}
