import { isBertControl, isBertPunctuation, isBertWhitespace, isCjkChar, isNonspacingMark, pythonSplit } from './bert-char-classes.ts';

/** Printable ASCII plus tab/newline/CR: such text needs no control removal, CJK padding or normalisation. */
const PLAIN_ASCII = /^[\x20-\x7e\t\n\r]*$/;
const ASCII = /^[\x00-\x7f]*$/;
/** BERT punctuation within ASCII: every printable non-alphanumeric character. */
const ASCII_PUNCT = /([!-/:-@[-`{-~])/;
const ANY_SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

export interface BasicTokenizerOptions {
  /** Lower-case every word (and strip accents unless `stripAccents` is false). */
  doLowerCase?: boolean;
  /** Words kept whole: not lower-cased, not split on punctuation. */
  neverSplit?: Iterable<string>;
  /** Put spaces around every CJK ideograph so each becomes a word. */
  tokenizeChineseChars?: boolean;
  /** null: strip accents iff lower-casing (original BERT); true/false: always/never. */
  stripAccents?: boolean | null;
  /** Split punctuation characters into their own words (transformers >= 4.29 option, default true). */
  doSplitOnPunc?: boolean;
}

/**
 * BERT's pre-tokenizer, step for step as transformers 4.30 `BasicTokenizer.tokenize`: clean the text
 * (drop NUL, U+FFFD and control characters, map whitespace to spaces), pad CJK ideographs with spaces,
 * NFC-normalise, split on whitespace, lower-case and strip accents (NFD, drop Mn) word by word, split off
 * punctuation, and split on whitespace again.
 */
export class BasicTokenizer {
  readonly doLowerCase: boolean;
  readonly neverSplit: ReadonlySet<string>;
  readonly tokenizeChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly doSplitOnPunc: boolean;

  constructor(options: BasicTokenizerOptions = {}) {
    this.doLowerCase = options.doLowerCase ?? true;
    this.neverSplit = new Set(options.neverSplit ?? []);
    this.tokenizeChineseChars = options.tokenizeChineseChars ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.doSplitOnPunc = options.doSplitOnPunc ?? true;
  }

  /** `extraNeverSplit`: words kept whole for this call only (the reference passes the special tokens). */
  tokenize(text: string, extraNeverSplit?: ReadonlySet<string>): string[] {
    const neverSplit = extraNeverSplit && extraNeverSplit.size > 0 ? new Set([...this.neverSplit, ...extraNeverSplit]) : this.neverSplit;
    let normalized: string;
    if (PLAIN_ASCII.test(text)) {
      normalized = text; // the common case: the steps below are the identity on it (whitespace is split anyway)
    } else {
      let cleaned = this.cleanText(text);
      if (this.tokenizeChineseChars) cleaned = padCjk(cleaned);
      // Composed and decomposed spellings of the same character must give the same words.
      normalized = cleaned.normalize('NFC');
    }
    const out: string[] = [];
    for (let word of pythonSplit(normalized)) {
      if (!neverSplit.has(word)) {
        if (this.doLowerCase) {
          word = word.toLowerCase();
          if (this.stripAccents !== false) word = stripAccents(word);
        } else if (this.stripAccents === true) {
          word = stripAccents(word);
        }
      }
      for (const piece of this.splitOnPunctuation(word, neverSplit)) {
        // The reference joins with spaces and splits again: this drops pieces that became empty.
        if (piece === '') continue;
        if (ANY_SPACE.test(piece)) out.push(...pythonSplit(piece));
        else out.push(piece);
      }
    }
    return out;
  }

  private cleanText(text: string): string {
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      if (cp === 0 || cp === 0xfffd || isBertControl(ch)) continue;
      out += isBertWhitespace(ch) ? ' ' : ch;
    }
    return out;
  }

  private splitOnPunctuation(word: string, neverSplit: ReadonlySet<string>): string[] {
    if (!this.doSplitOnPunc || neverSplit.has(word)) return [word];
    if (ASCII.test(word)) return word.split(ASCII_PUNCT);
    const out: string[] = [];
    let current = '';
    for (const ch of word) {
      if (isBertPunctuation(ch)) {
        if (current !== '') out.push(current);
        current = '';
        out.push(ch);
      } else {
        current += ch;
      }
    }
    if (current !== '') out.push(current);
    return out;
  }
}

function padCjk(text: string): string {
  let out = '';
  for (const ch of text) out += isCjkChar(ch.codePointAt(0) as number) ? ` ${ch} ` : ch;
  return out;
}

/** NFD, then drop nonspacing marks: "déjà" -> "deja". */
export function stripAccents(text: string): string {
  if (ASCII.test(text)) return text;
  let out = '';
  for (const ch of text.normalize('NFD')) if (!isNonspacingMark(ch)) out += ch;
  return out;
}
