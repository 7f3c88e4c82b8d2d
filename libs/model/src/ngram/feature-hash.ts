/** FNV-1a over the UTF-16 code units of a string, finished with a murmur3 mix: a stable 32-bit word hash. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A stable 32-bit hash of an ordered pair of ids (a word bigram). */
export function hashPair(a: number, b: number): number {
  return fmix32(Math.imul(a, 0x9e3779b1) ^ fmix32(b + 0x7f4a7c15));
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
