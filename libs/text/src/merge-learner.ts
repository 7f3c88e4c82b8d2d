import { WorkbenchError } from '@workbench/core';
import { compareCodePoints } from './python-json.ts';

/** Pair keys pack two symbol ids into one number: a * SYMBOL_LIMIT + b stays below 2^53. */
const SYMBOL_LIMIT = 2 ** 24;

export interface MergeLearnerOptions {
  /** Symbols the vocabulary starts with; new tokens are only merged strings not among them. */
  initialSymbols: readonly string[];
  /** Each distinct word as its initial symbols, with its frequency in `freqs`. */
  words: readonly (readonly string[])[];
  freqs: readonly number[];
  /** The symbol a merge of (a, b) produces: `a + b` for byte-level BPE, `a + b` without `##` for WordPiece. */
  join: (a: string, b: string) => string;
  /** Stop once this many new vocabulary entries exist. */
  maxNewTokens: number;
  /** Stop when the best pair occurs fewer times than this. */
  minFrequency: number;
}

export interface LearnedMerges {
  /** The merge rules in the order they were learned (rank order). */
  merges: [string, string][];
  /** New vocabulary entries in the order they appeared. */
  newTokens: string[];
}

/**
 * BPE merge learning, shared by the WordPiece and byte-level BPE trainers: repeatedly merge the most frequent
 * adjacent pair (counting word frequencies), ties broken by the smaller (first, second) pair in code-point
 * order, so the result never depends on the order of the words. Pair counts are updated only around each
 * merged occurrence (as Hugging Face tokenizers' `Word::merge`) and the best pair comes from a lazy max-heap.
 */
export function learnMerges(options: MergeLearnerOptions): LearnedMerges {
  const symbols: string[] = [];
  const symbolId = new Map<string, number>();
  const intern = (s: string): number => {
    let id = symbolId.get(s);
    if (id === undefined) {
      id = symbols.length;
      if (id >= SYMBOL_LIMIT) throw new WorkbenchError('INTERNAL', 'learnMerges: too many symbols');
      symbols.push(s);
      symbolId.set(s, id);
    }
    return id;
  };
  const inVocab = new Set(options.initialSymbols);
  for (const s of options.initialSymbols) intern(s);
  const words: number[][] = options.words.map((w) => w.map(intern));
  const freqs = options.freqs;
  const merges: [string, string][] = [];
  const newTokens: string[] = [];

  // Pair counts, the words each pair occurs in (may hold stale entries), and a lazy max-heap.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  /** Adds `delta` to a pair's count; `touched` remembers each pair's count before this round. */
  const bump = (key: number, delta: number, w: number, touched: Map<number, number>): void => {
    const c = pairCount.get(key) ?? 0;
    if (!touched.has(key)) touched.set(key, c);
    if (c + delta <= 0) pairCount.delete(key);
    else pairCount.set(key, c + delta);
    if (delta > 0) {
      let set = pairWords.get(key);
      if (!set) pairWords.set(key, (set = new Set()));
      set.add(w);
    }
  };
  const initialKeys = new Map<number, number>();
  for (let w = 0; w < words.length; w++) {
    const syms = words[w] as number[];
    for (let i = 0; i < syms.length - 1; i++) bump((syms[i] as number) * SYMBOL_LIMIT + (syms[i + 1] as number), freqs[w] as number, w, initialKeys);
  }
  const heap = new PairHeap((key) => symbols[Math.floor(key / SYMBOL_LIMIT)] as string, (key) => symbols[key % SYMBOL_LIMIT] as string);
  for (const key of initialKeys.keys()) heap.push(pairCount.get(key) as number, key);

  // Merge until the vocabulary is full or no pair is frequent enough.
  while (newTokens.length < options.maxNewTokens) {
    const top = heap.pop();
    if (top === undefined) break;
    const [count, key] = top;
    if (pairCount.get(key) !== count) continue; // stale entry: a fresher one was pushed when the count changed
    if (count < options.minFrequency) break;
    const a = Math.floor(key / SYMBOL_LIMIT);
    const b = key % SYMBOL_LIMIT;
    const merged = options.join(symbols[a] as string, symbols[b] as string);
    const c = intern(merged);
    // Two merge paths can reach the same string ("a"+"bc", "ab"+"c"): one symbol, one vocabulary entry.
    if (!inVocab.has(merged)) {
      newTokens.push(merged);
      inVocab.add(merged);
    }
    merges.push([symbols[a] as string, symbols[b] as string]);
    const touched = new Map<number, number>();
    const affected = [...(pairWords.get(key) ?? [])];
    pairWords.delete(key);
    for (const w of affected) {
      const syms = words[w] as number[];
      const f = freqs[w] as number;
      let next: number[] | undefined;
      // Only the pairs around each occurrence change (as Hugging Face tokenizers' Word::merge): with
      // x a b y -> x c y, (x,a) and (b,y) lose f and (x,c) and (c,y) gain f; (a,b) itself is dropped below.
      for (let i = 0; i < syms.length; ) {
        if (i < syms.length - 1 && syms[i] === a && syms[i + 1] === b) {
          next ??= syms.slice(0, i);
          const prev = next.length > 0 ? (next[next.length - 1] as number) : -1;
          if (prev >= 0) {
            // `prev` is the current left neighbour: c itself when the previous pair was merged too.
            bump(prev * SYMBOL_LIMIT + a, -f, w, touched);
            bump(prev * SYMBOL_LIMIT + c, f, w, touched);
          }
          if (i + 2 < syms.length) {
            const after = syms[i + 2] as number;
            bump(b * SYMBOL_LIMIT + after, -f, w, touched);
            // If `after` starts another occurrence, the next step takes (c,a) back and adds (c,c).
            bump(c * SYMBOL_LIMIT + after, f, w, touched);
          }
          next.push(c);
          i += 2;
        } else {
          next?.push(syms[i] as number);
          i += 1;
        }
      }
      if (next) words[w] = next;
    }
    pairCount.delete(key);
    for (const [k, was] of touched) {
      const n = pairCount.get(k);
      if (n !== undefined && n !== was && k !== key) heap.push(n, k);
    }
  }
  return { merges, newTokens };
}

/**
 * Max-heap of (count, pair key): higher count first, then the smaller (first, second) symbol pair in
 * code-point order, so that ties never depend on insertion order.
 */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  constructor(
    private readonly first: (key: number) => string,
    private readonly second: (key: number) => string,
  ) {}

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number] | undefined {
    const n = this.counts.length;
    if (n === 0) return undefined;
    const top: [number, number] = [this.counts[0] as number, this.keys[0] as number];
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.counts.length && this.before(l, m)) m = l;
      if (r < this.counts.length && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    if (ci !== cj) return ci > cj;
    const ki = this.keys[i] as number;
    const kj = this.keys[j] as number;
    if (ki === kj) return false;
    return (compareCodePoints(this.first(ki), this.first(kj)) || compareCodePoints(this.second(ki), this.second(kj))) < 0;
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j] as number, this.counts[i] as number];
    [this.keys[i], this.keys[j]] = [this.keys[j] as number, this.keys[i] as number];
  }
}
