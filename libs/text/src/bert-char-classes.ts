/**
 * Character classes exactly as Hugging Face's slow BertTokenizer (transformers 4.30) defines them, plus
 * Python's `str.split()` / `str.strip()` whitespace, which the reference uses between the steps.
 * Everything works on code points (a Python `str` is a sequence of code points, a JS string of UTF-16 units).
 *
 * Categories come from Node's ICU (Unicode 17 in Node 20.20) where the reference used its Python's database
 * (Unicode 14 in the fixtures' Python 3.11): a character assigned after Unicode 14 is "unassigned" (Cn, so
 * dropped as a control character) for that reference and a real character here. Nothing else differs;
 * test/fixtures/bert-fuzz.json pins the rest against CPython.
 */

const ZS = /^\p{Zs}$/u;
const OTHER = /^\p{C}$/u;
const PUNCT = /^\p{P}$/u;
const MN = /^\p{Mn}$/u;

/** BERT whitespace: space, tab, newline, carriage return, or any Unicode space separator (Zs). */
export function isBertWhitespace(ch: string): boolean {
  if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') return true;
  return ch.length <= 2 && ch.charCodeAt(0) >= 0x80 && ZS.test(ch);
}

/** BERT control: any "Other" category (Cc, Cf, Cn, Co, Cs) except tab, newline and carriage return. */
export function isBertControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x80) return cp < 0x20 || cp === 0x7f;
  return OTHER.test(ch);
}

/** BERT punctuation: every ASCII non-alphanumeric printable character (so `$`, `+`, `^` count) or Unicode P*. */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  if (cp < 0x80) return false;
  return PUNCT.test(ch);
}

/** The CJK Unified Ideograph blocks BERT pads with spaces (not Hangul, Hiragana or Katakana). */
export function isCjkChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Nonspacing mark (Mn): what BERT's accent stripping drops after NFD. */
export function isNonspacingMark(ch: string): boolean {
  return ch.charCodeAt(0) >= 0x300 && MN.test(ch);
}

/**
 * Python's `str.isspace()` set, which `str.split()` and `str.strip()` use. It differs from JS `\s`:
 * Python includes U+001C..U+001F and U+0085, JS includes U+FEFF.
 */
const PY_SPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE_CLASS}]+`, 'u');
const PY_SPACE_ONE = new RegExp(`^[${PY_SPACE_CLASS}]$`, 'u');
const PY_STRIP = new RegExp(`^[${PY_SPACE_CLASS}]+|[${PY_SPACE_CLASS}]+$`, 'gu');
const PY_LSTRIP = new RegExp(`^[${PY_SPACE_CLASS}]+`, 'u');
const PY_RSTRIP = new RegExp(`[${PY_SPACE_CLASS}]+$`, 'u');

export function isPythonSpace(ch: string): boolean {
  return PY_SPACE_ONE.test(ch);
}

/** Python's `text.split()` (no argument): split on whitespace runs, no empty pieces. */
export function pythonSplit(text: string): string[] {
  return text.split(PY_SPACE_RUN).filter((t) => t !== '');
}

export function pythonStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

export function pythonLstrip(text: string): string {
  return text.replace(PY_LSTRIP, '');
}

export function pythonRstrip(text: string): string {
  return text.replace(PY_RSTRIP, '');
}
