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
  private readonly byFirstChar = new Map<string, AddedToken[]>();

  constructor(tokens: Iterable<AddedToken>) {
    const seen = new Map<string, AddedToken>();
    for (const t of tokens) if (t.content !== '' && !seen.has(t.content)) seen.set(t.content, t);
    for (const t of seen.values()) {
      const first = t.content[0] as string;
      const list = this.byFirstChar.get(first) ?? [];
      list.push(t);
      this.byFirstChar.set(first, list);
    }
    for (const list of this.byFirstChar.values()) list.sort((a, b) => b.content.length - a.content.length);
  }

  get size(): number {
    let n = 0;
    for (const list of this.byFirstChar.values()) n += list.length;
    return n;
  }

  split(text: string): TextSegment[] {
    const pieces: { text: string; token?: AddedToken }[] = [];
    let last = 0;
    let i = 0;
    while (i < text.length) {
      const candidates = this.byFirstChar.get(text[i] as string);
      const match = candidates?.find((t) => text.startsWith(t.content, i));
      if (match) {
        if (i > last) pieces.push({ text: text.slice(last, i) });
        pieces.push({ text: match.content, token: match });
        i += match.content.length;
        last = i;
      } else {
        i++;
      }
    }
    if (last < text.length) pieces.push({ text: text.slice(last) });

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
