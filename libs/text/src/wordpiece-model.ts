import { pythonSplit } from './bert-char-classes.ts';

export interface WordPieceModelOptions {
  unkToken: string;
  /** Words with more code points than this become one unknown token before any matching (BERT: 100). */
  maxInputCharsPerWord?: number;
  /** Marks a piece that continues a word (BERT: `##`). */
  continuingSubwordPrefix?: string;
}

/**
 * WordPiece sub-word splitting (transformers 4.30 `WordpieceTokenizer`): greedy longest-match-first over
 * code points, continuation pieces prefixed with `##`; a word with any unmatched part becomes one [UNK].
 */
const SURROGATE = /[\uD800-\uDFFF]/;
const CACHE_LIMIT = 50_000;

export class WordPieceModel {
  private readonly cache = new Map<string, string[]>();
  readonly unkToken: string;
  readonly maxInputCharsPerWord: number;
  readonly prefix: string;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    options: WordPieceModelOptions,
  ) {
    this.unkToken = options.unkToken;
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.prefix = options.continuingSubwordPrefix ?? '##';
  }

  /** Pieces of whitespace-separated words (normally one word from the basic tokenizer). */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const word of pythonSplit(text)) out.push(...this.tokenizeWord(word));
    return out;
  }

  /** The pieces of one word. The returned array is shared with a cache: do not modify it. */
  tokenizeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const pieces = this.split(word);
    // Words follow Zipf's law: a bounded cache of recent words removes most of the work.
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, pieces);
    return pieces;
  }

  private split(word: string): string[] {
    // Without surrogate pairs code units are code points, so substrings can index the string directly.
    const chars: string | string[] = SURROGATE.test(word) ? Array.from(word) : word;
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const slice = typeof chars === 'string' ? (a: number, b: number) => chars.substring(a, b) : (a: number, b: number) => chars.slice(a, b).join('');
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + slice(start, end);
        if (this.vocab.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === undefined) return [this.unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
