import { resolveConfig, type DeepPartial } from '@workbench/core';

export interface TfidfConfig {
  /** Use 1 + ln(tf) instead of tf (scikit-learn sublinear_tf). */
  sublinearTf?: boolean;
  /** Longest word n-gram (1: unigrams, 2: unigrams and bigrams). */
  ngramMax?: number;
  /** Keep terms that occur in at least this many training documents. */
  minDf?: number;
}

export const DEFAULT_TFIDF: Required<TfidfConfig> = { sublinearTf: true, ngramMax: 1, minDf: 1 };

/** A sparse row-major matrix (CSR). */
export interface SparseRows {
  rows: number;
  columns: number;
  /** Row r's entries are [indptr[r], indptr[r + 1]). */
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** scikit-learn's default token_pattern, (?u)\b\w\w+\b, lower-cased: words of two or more word characters. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/**
 * TF-IDF as scikit-learn's TfidfVectorizer computes it (smooth_idf: idf = ln((1 + n) / (1 + df)) + 1, norm 'l2'),
 * vocabulary and idf from the training texts only; unseen terms of other texts are dropped.
 */
export class TfidfVectorizer {
  readonly config: Required<TfidfConfig>;
  private vocab = new Map<string, number>();
  private idf = new Float32Array(0);

  constructor(config: DeepPartial<TfidfConfig> = {}) {
    this.config = resolveConfig(DEFAULT_TFIDF, config, { where: { path: 'tfidf' } });
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }

  terms(text: string): string[] {
    const words = text.toLowerCase().match(TOKEN) ?? [];
    const out = words.slice();
    for (let n = 2; n <= this.config.ngramMax; n++) {
      for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
    }
    return out;
  }

  fit(texts: readonly string[]): this {
    const df = new Map<string, number>();
    for (const t of texts) for (const term of new Set(this.terms(t))) df.set(term, (df.get(term) ?? 0) + 1);
    const kept = [...df.entries()].filter(([, d]) => d >= this.config.minDf).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.vocab = new Map(kept.map(([term], i) => [term, i]));
    this.idf = Float32Array.from(kept, ([, d]) => Math.log((1 + texts.length) / (1 + d)) + 1);
    return this;
  }

  transform(texts: readonly string[]): SparseRows {
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((text, r) => {
      const counts = new Map<number, number>();
      for (const term of this.terms(text)) {
        const j = this.vocab.get(term);
        if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      const cols = [...counts.keys()].sort((a, b) => a - b);
      let norm = 0;
      const vals = cols.map((j) => {
        const tf = counts.get(j) as number;
        const v = (this.config.sublinearTf ? 1 + Math.log(tf) : tf) * (this.idf[j] as number);
        norm += v * v;
        return v;
      });
      norm = Math.sqrt(norm) || 1;
      cols.forEach((j, i) => {
        indices.push(j);
        values.push((vals[i] as number) / norm);
      });
      indptr[r + 1] = indices.length;
    });
    return { rows: texts.length, columns: this.vocab.size, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }
}
