/**
 * GPT-2's reversible byte <-> character map (`bytes_to_unicode`): printable Latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100.. in byte order, so every byte string is a printable string
 * without whitespace or control characters (a space becomes 'Ġ', a newline 'Ċ').
 */
function buildByteMap(): string[] {
  const keep: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) keep.push(b);
  for (let b = 0xa1; b <= 0xac; b++) keep.push(b);
  for (let b = 0xae; b <= 0xff; b++) keep.push(b);
  const kept = new Set(keep);
  const map = new Array<string>(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (kept.has(b)) map[b] = String.fromCodePoint(b);
    else map[b] = String.fromCodePoint(256 + next++);
  }
  return map;
}

/** `BYTE_TO_UNICODE[b]` is the character standing for byte b. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteMap();

/** The inverse map: character -> byte. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, as Python's bytes.decode does (TextDecoder drops it by default).
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The UTF-8 bytes of a string, each as its byte character. */
export function bytesToUnicode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII is one byte per character: skip the encoder on the common path.
    if (c >= 0x80) {
      out = '';
      for (const b of encoder.encode(text)) out += BYTE_TO_UNICODE[b];
      return out;
    }
    out += BYTE_TO_UNICODE[c];
  }
  return out;
}

/**
 * Byte characters back to text. Invalid or cut UTF-8 sequences become U+FFFD (Python's errors="replace");
 * a character outside the byte map (e.g. a user-added token) contributes its own UTF-8 bytes.
 */
export function unicodeToText(symbols: string): string {
  const bytes: number[] = [];
  for (const ch of symbols) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else for (const x of encoder.encode(ch)) bytes.push(x);
  }
  return decoder.decode(new Uint8Array(bytes));
}
