import { resolveConfig, WorkbenchError, type DeepPartial } from '@workbench/core';
import { lbfgs } from './lbfgs.ts';
import { DEFAULT_TFIDF, TfidfVectorizer, type SparseRows, type TfidfConfig } from './tfidf-vectorizer.ts';

export interface TfidfLogRegConfig {
  tfidf?: TfidfConfig;
  /** Inverse regularisation strength, as scikit-learn's LogisticRegression(C=...): C * sum(log loss) + ||w||^2 / 2. */
  c?: number;
  maxIterations?: number;
  gradTolerance?: number;
}

export const DEFAULT_TFIDF_LOGREG: Required<TfidfLogRegConfig> = {
  tfidf: DEFAULT_TFIDF,
  c: 1,
  maxIterations: 1000,
  gradTolerance: 1e-5,
};

/** How one label's fit ended. */
export interface LabelFit {
  iterations: number;
  converged: boolean;
}

/**
 * The reference for a text classifier on small data: TF-IDF (sublinear tf, L2-normalised rows) and one
 * L2-regularised logistic regression per label (one-vs-rest), each fitted by L-BFGS to convergence; the intercept
 * is not penalised. Objective per label (scaled by 1 / (C n), same minimiser as scikit-learn's):
 *   mean log loss + ||w||^2 / (2 C n).
 */
export class TfidfLogReg {
  readonly config: Required<TfidfLogRegConfig>;
  readonly vectorizer: TfidfVectorizer;
  private weights: Float32Array[] = [];
  private biases: number[] = [];
  fits: LabelFit[] = [];

  constructor(config: DeepPartial<TfidfLogRegConfig> = {}) {
    this.config = resolveConfig(DEFAULT_TFIDF_LOGREG, config, { where: { path: 'baseline' } });
    if (!(this.config.c > 0)) throw new WorkbenchError('CONFIG_TYPE', `c must be > 0, got ${this.config.c}`, { where: { path: 'baseline.c' } });
    this.vectorizer = new TfidfVectorizer(this.config.tfidf);
  }

  /** Fits on texts and a 0/1 label matrix (rows x labels, row-major arrays). */
  fit(texts: readonly string[], labels: readonly ArrayLike<number>[]): this {
    if (texts.length !== labels.length) throw new WorkbenchError('DATASET_INVALID', `${texts.length} texts but ${labels.length} label rows`);
    const x = this.vectorizer.fit(texts).transform(texts);
    const numLabels = labels[0]?.length ?? 0;
    this.weights = [];
    this.biases = [];
    this.fits = [];
    for (let j = 0; j < numLabels; j++) {
      const y = Float64Array.from(labels, (row) => row[j] as number);
      const { w, b, fit } = fitLogistic(x, y, this.config);
      this.weights.push(w);
      this.biases.push(b);
      this.fits.push(fit);
    }
    return this;
  }

  /** Probabilities, one Float32Array of numLabels per text. */
  predict(texts: readonly string[]): Float32Array[] {
    const x = this.vectorizer.transform(texts);
    const out: Float32Array[] = [];
    for (let r = 0; r < x.rows; r++) {
      const p = new Float32Array(this.weights.length);
      for (let j = 0; j < this.weights.length; j++) {
        const w = this.weights[j] as Float32Array;
        let z = this.biases[j] as number;
        for (let k = x.indptr[r] as number; k < (x.indptr[r + 1] as number); k++) z += (x.values[k] as number) * (w[x.indices[k] as number] as number);
        p[j] = 1 / (1 + Math.exp(-z));
      }
      out.push(p);
    }
    return out;
  }
}

function fitLogistic(x: SparseRows, y: Float64Array, config: Required<TfidfLogRegConfig>): { w: Float32Array; b: number; fit: LabelFit } {
  const n = x.rows;
  const v = x.columns;
  const lambda = 1 / (config.c * n);
  const z = new Float64Array(n);
  // Parameters: [w (v), b].
  const objective = (params: Float64Array, grad: Float64Array): number => {
    const b = params[v] as number;
    let loss = 0;
    grad.fill(0);
    for (let r = 0; r < n; r++) {
      let s = b;
      for (let k = x.indptr[r] as number; k < (x.indptr[r + 1] as number); k++) s += (x.values[k] as number) * (params[x.indices[k] as number] as number);
      z[r] = s;
      // log(1 + e^s) - y s, computed stably.
      loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - (y[r] as number) * s;
      const residual = (1 / (1 + Math.exp(-s)) - (y[r] as number)) / n;
      for (let k = x.indptr[r] as number; k < (x.indptr[r + 1] as number); k++) grad[x.indices[k] as number] += residual * (x.values[k] as number);
      grad[v] += residual;
    }
    let reg = 0;
    for (let i = 0; i < v; i++) {
      const w = params[i] as number;
      reg += w * w;
      grad[i] += lambda * w;
    }
    return loss / n + 0.5 * lambda * reg;
  };
  const result = lbfgs(objective, new Float64Array(v + 1), { maxIterations: config.maxIterations, gradTolerance: config.gradTolerance });
  return { w: Float32Array.from(result.x.subarray(0, v)), b: result.x[v] as number, fit: { iterations: result.iterations, converged: result.converged } };
}
