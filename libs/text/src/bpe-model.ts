/**
 * Byte-pair encoding by merge rank (transformers 4.30 `RobertaTokenizer.bpe`, i.e. GPT-2's): repeatedly
 * merge the adjacent pair with the lowest rank until no ranked pair is left. Results are cached per word.
 */
export class BpeModel {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();
  /** Words longer than this are not cached (they are rare and would bloat the cache). */
  private static readonly CACHE_WORD_LIMIT = 64;
  private static readonly CACHE_SIZE_LIMIT = 100_000;

  /** `merges[i]` is the pair of rank i; a repeated pair keeps its last rank, as the reference's dict does. */
  constructor(readonly merges: readonly (readonly [string, string])[]) {
    merges.forEach(([a, b], i) => this.ranks.set(pairKey(a, b), i));
  }

  rank(a: string, b: string): number | undefined {
    return this.ranks.get(pairKey(a, b));
  }

  /** The BPE symbols of one word given as byte characters. */
  encodeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let symbols = Array.from(word);
    while (symbols.length > 1) {
      let best = Infinity;
      let first = '';
      let second = '';
      for (let i = 0; i < symbols.length - 1; i++) {
        const r = this.ranks.get(pairKey(symbols[i] as string, symbols[i + 1] as string));
        if (r !== undefined && r < best) {
          best = r;
          first = symbols[i] as string;
          second = symbols[i + 1] as string;
        }
      }
      if (best === Infinity) break;
      // Merge every occurrence of the best pair, left to right, without overlaps.
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; ) {
        if (i < symbols.length - 1 && symbols[i] === first && symbols[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(symbols[i] as string);
          i += 1;
        }
      }
      symbols = merged;
    }
    if (word.length <= BpeModel.CACHE_WORD_LIMIT) {
      if (this.cache.size >= BpeModel.CACHE_SIZE_LIMIT) this.cache.clear();
      this.cache.set(word, symbols);
    }
    return symbols;
  }
}

// U+0000 cannot occur inside byte-level symbols (bytes map to printable characters), so it separates safely.
function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}
