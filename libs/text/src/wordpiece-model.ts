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
export class WordPieceModel {
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
    for (const word of pythonSplit(text)) for (const piece of this.tokenizeWord(word)) out.push(piece);
    return out;
  }

  tokenizeWord(word: string): string[] {
    const chars = Array.from(word);
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
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
