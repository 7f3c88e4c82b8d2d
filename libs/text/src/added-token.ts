import { pythonLstrip, pythonRstrip } from './bert-char-classes.ts';

/** A token that is never split (a special token or a user-added one), with Hugging Face's strip flags. */
export interface AddedToken {
  content: string;
  /** Eat the whitespace on its left (RoBERTa's <mask>). */
  lstrip: boolean;
  /** Eat the whitespace on its right. */
  rstrip: boolean;
}

/** One piece of a text after splitting out added tokens. */
export interface TextSegment {
  text: string;
  /** True when `text` is one of the added tokens. */
  added: boolean;
}

/**
 * Splits a text around its added tokens, as transformers 4.30 `PreTrainedTokenizer.tokenize` does with its
 * trie: at each position the longest added token that starts there wins; then an added token's neighbours
 * lose their whitespace on the side(s) its lstrip/rstrip flags name. Plain-string special tokens of the
 * reference strip both sides, so callers give those lstrip = rstrip = true.
 */
export class AddedTokenSplitter {
  private readonly byContent = new Map<string, AddedToken>();
  /** Longest tokens first, so at any position the regex alternation takes the longest match. */
  private readonly pattern: RegExp | undefined;

  constructor(tokens: Iterable<AddedToken>) {
    for (const t of tokens) if (t.content !== '' && !this.byContent.has(t.content)) this.byContent.set(t.content, t);
    const sorted = [...this.byContent.keys()].sort((x, y) => y.length - x.length);
    this.pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  get size(): number {
    return this.byContent.size;
  }

  split(text: string): TextSegment[] {
    const pieces: { text: string; token?: AddedToken }[] = [];
    if (!this.pattern) return text === '' ? [] : [{ text, added: false }];
    let last = 0;
    for (const m of text.matchAll(this.pattern)) {
      const i = m.index as number;
      if (i > last) pieces.push({ text: text.slice(last, i) });
      pieces.push({ text: m[0], token: this.byContent.get(m[0]) as AddedToken });
      last = i + m[0].length;
    }
    if (last < text.length) pieces.push({ text: text.slice(last) });
    if (pieces.length === 1) return [{ text: pieces[0]?.text as string, added: pieces[0]?.token !== undefined }];

    for (let k = 0; k < pieces.length; k++) {
      const token = pieces[k]?.token;
      if (!token) continue;
      const left = pieces[k - 1];
      const right = pieces[k + 1];
      if (token.rstrip && right && !right.token) right.text = pythonLstrip(right.text);
      if (token.lstrip && left && !left.token) left.text = pythonRstrip(left.text);
    }
    return pieces.filter((p) => p.text !== '').map((p) => ({ text: p.text, added: p.token !== undefined }));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
