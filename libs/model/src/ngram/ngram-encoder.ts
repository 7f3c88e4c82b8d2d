import { didYouMeanSuffix, Rng, resolveConfig, WorkbenchError, type DeepPartial } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Encoder } from '../encoder.ts';
import { SparseEmbedding } from '../training/sparse-embedding.ts';
import type { SparseParameter } from '../training/sparse-gradient-tape.ts';
import { hashPair } from './feature-hash.ts';
import { NGRAM_SPECIAL_IDS } from './hashing-word-tokenizer.ts';
import { tfidfPositionWeights } from './inverse-document-frequency.ts';

const POOLINGS = ['mean', 'sqrt', 'tfidf'] as const;

export interface NgramEncoderConfig {
  /** Word ids are [0, vocabSize) (the tokenizer's vocabSize); ids below `firstWordId` are special. */
  vocabSize?: number;
  firstWordId?: number;
  padId?: number;
  /** Hash buckets of word bigrams (rows after the vocabSize word rows); 0 disables bigrams. */
  buckets?: number;
  /** Embedding size. */
  dim?: number;
  /** Size of an optional dense + ReLU layer applied to every position in `encode`; 0: `encode` is the identity. */
  hidden?: number;
  /** Dropout on the embeddings [batch, seq, dim], training only. */
  dropout?: number;
  /**
   * 'mean': masked mean over positions; 'sqrt': masked sum / sqrt(count); 'tfidf': each position's embedding is
   * scaled by its word's share of the row's L2-normalised sublinear TF-IDF weight and the pool is the sum, so the
   * pooled vector is E^T x for x the row's TF-IDF vector (needs the word IDFs, see `NgramEncoder`'s constructor).
   */
  pooling?: 'mean' | 'sqrt' | 'tfidf';
  /** Standard deviation of the normal initialisation of the table (fastText: uniform +-1/dim). */
  initStd?: number;
  seed?: number;
}

/**
 * Chosen on the debtags-dev source validation split only (`workbench bench ngram`, 10 epochs, AdamW lr 0.05):
 * dim 64 = 128 (0.433 vs 0.433 mAP), dropout 0.1 ~ 0.5 (0.435 vs 0.439), bigrams on ~ off (0.435 vs 0.438),
 * mean pooling > sum / sqrt(count) (0.435 vs 0.418 at epoch 10); lr 0.05 > 0.01 (0.20 after 5 epochs).
 */
export const DEFAULT_NGRAM_ENCODER: Required<NgramEncoderConfig> = {
  vocabSize: 65536,
  firstWordId: 5,
  padId: NGRAM_SPECIAL_IDS.pad,
  buckets: 131072,
  dim: 64,
  hidden: 0,
  dropout: 0.1,
  pooling: 'mean',
  initStd: 0.05,
  seed: 0,
};

let instances = 0;

/**
 * A bag-of-n-grams encoder (fastText-style). `embed` gives each position the sum of its word's embedding and of
 * its (previous word, word) bigram's hashed embedding, [batch, seq, dim], so embeddings of two inputs can be
 * interpolated (MixUp) exactly as with a transformer. `encode` is the identity or a per-position dense + ReLU;
 * `pool` is the masked mean (or sum / sqrt(count)), so padding never changes a result. Pads add nothing; bigrams that involve a special
 * id are skipped. The table (`embeddings.weight`, [vocabSize + buckets, dim]) is a `SparseEmbedding`: `trainStep`
 * updates only the rows a batch touches.
 */
export class NgramEncoder implements Encoder {
  readonly kind = 'ngram';
  readonly hiddenSize: number;
  readonly config: Required<NgramEncoderConfig>;
  readonly table: SparseEmbedding;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly dropoutRng: Rng;

  private readonly idf: Float32Array | null;

  /**
   * `wordIdf` ([vocabSize], e.g. from `inverseDocumentFrequency` over the training texts) is required by
   * pooling 'tfidf' and is data, not config: it is a function of the texts the backbone is built from.
   */
  constructor(config: DeepPartial<NgramEncoderConfig> = {}, wordIdf?: Float32Array) {
    this.config = resolveConfig(DEFAULT_NGRAM_ENCODER, config, { where: { path: 'encoder' } });
    const c = this.config;
    for (const key of ['vocabSize', 'dim'] as const) {
      if (!Number.isInteger(c[key]) || c[key] <= 0) throw new WorkbenchError('CONFIG_TYPE', `${key} must be a positive integer, got ${c[key]}`, { where: { path: `encoder.${key}` } });
    }
    for (const key of ['buckets', 'hidden', 'firstWordId'] as const) {
      if (!Number.isInteger(c[key]) || c[key] < 0) throw new WorkbenchError('CONFIG_TYPE', `${key} must be a non-negative integer, got ${c[key]}`, { where: { path: `encoder.${key}` } });
    }
    if (!(c.dropout >= 0 && c.dropout < 1)) throw new WorkbenchError('CONFIG_TYPE', `dropout must be in [0, 1), got ${c.dropout}`, { where: { path: 'encoder.dropout' } });
    if (!(POOLINGS as readonly string[]).includes(c.pooling)) {
      throw new WorkbenchError('CONFIG_TYPE', `pooling must be one of ${POOLINGS.join(', ')}, got '${c.pooling}'${didYouMeanSuffix(c.pooling, POOLINGS)}`, { where: { path: 'encoder.pooling' } });
    }
    if (c.pooling === 'tfidf') {
      if (!wordIdf) throw new WorkbenchError('CONFIG_INVALID', "pooling 'tfidf' needs the word IDFs of the training texts (none were given)", { where: { path: 'encoder.pooling' } });
      if (wordIdf.length !== c.vocabSize) throw new WorkbenchError('CONFIG_INVALID', `word IDFs have ${wordIdf.length} entries, expected vocabSize ${c.vocabSize}`, { where: { path: 'encoder.vocabSize' } });
    }
    this.idf = c.pooling === 'tfidf' ? (wordIdf as Float32Array) : null;
    const rng = new Rng(c.seed, `ngram-encoder-${c.seed}`);
    const id = instances++;
    this.table = new SparseEmbedding('embeddings.weight', c.vocabSize + c.buckets, c.dim, { rng: rng.derive('embeddings'), std: c.initStd });
    this.dropoutRng = rng.derive('dropout');
    this.hiddenSize = c.hidden > 0 ? c.hidden : c.dim;
    if (c.hidden > 0) {
      const seed = rng.derive('dense').seedInt();
      // Glorot-uniform like Keras's Dense, zero bias.
      const limit = Math.sqrt(6 / (c.dim + c.hidden));
      this.vars.set('encoder.dense.weight', tf.tidy(() => tf.variable(tf.randomUniform([c.dim, c.hidden], -limit, limit, 'float32', seed), true, `ngram${id}/encoder.dense.weight`)));
      this.vars.set('encoder.dense.bias', tf.tidy(() => tf.variable(tf.zeros([c.hidden]), true, `ngram${id}/encoder.dense.bias`)));
    }
  }

  /** Table rows of every position: [unigram row or -1, bigram row or -1], flattened. */
  rowsOf(ids: Int32Array | Uint8Array | Float32Array, batch: number, seq: number): Int32Array {
    const { vocabSize, firstWordId, padId, buckets } = this.config;
    const rows = new Int32Array(batch * seq * 2).fill(-1);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < seq; t++) {
        const p = b * seq + t;
        const id = ids[p] as number;
        if (id === padId) continue;
        if (!(id >= 0 && id < vocabSize) || !Number.isInteger(id)) {
          throw new WorkbenchError('CONFIG_INVALID', `input id ${id} at [${b}, ${t}] is outside the vocabulary [0, ${vocabSize})`, { where: { path: 'encoder.vocabSize' } });
        }
        rows[2 * p] = id;
        const prev = t > 0 ? (ids[p - 1] as number) : -1;
        if (buckets > 0 && id >= firstWordId && prev >= firstWordId) rows[2 * p + 1] = vocabSize + (hashPair(prev, id) % buckets);
      }
    }
    return rows;
  }

  embed(inputIds: tf.Tensor2D, options: { tokenTypeIds?: tf.Tensor2D; training?: boolean } = {}): tf.Tensor3D {
    const [batch, seq] = inputIds.shape;
    const rows = this.rowsOf(inputIds.dataSync() as Int32Array, batch, seq);
    const weights = this.idf ? tfidfPositionWeights(inputIds.dataSync(), batch, seq, this.idf, this.config.padId) : null;
    const dropout = options.training ? this.config.dropout : 0;
    return tf.tidy(() => {
      let emb = this.table.lookupSum(rows, 2, [batch, seq]) as tf.Tensor3D;
      if (weights) emb = tf.mul(emb, tf.tensor3d(weights, [batch, seq, 1]));
      return dropout > 0 ? (tf.dropout(emb, dropout, undefined, this.dropoutRng.seedInt()) as tf.Tensor3D) : emb;
    });
  }

  encode(embeddings: tf.Tensor3D, _attentionMask: tf.Tensor2D, _options: { training?: boolean } = {}): tf.Tensor3D {
    const w = this.vars.get('encoder.dense.weight');
    const b = this.vars.get('encoder.dense.bias');
    if (!w || !b) return embeddings.clone();
    const [batch, seq, dim] = embeddings.shape;
    return tf.tidy(() =>
      tf.fused.matMul({ a: embeddings.reshape([batch * seq, dim]) as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }).reshape([batch, seq, this.hiddenSize]),
    ) as tf.Tensor3D;
  }

  pool(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D, _options: { training?: boolean } = {}): tf.Tensor2D {
    // 'tfidf': the positions were weighted in `embed` (pads weigh 0), so the pool is the masked sum.
    return maskedMean(hidden, attentionMask, { mean: 1, sqrt: 0.5, tfidf: 0 }[this.config.pooling]);
  }

  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  /** Parameters trained row by row (the embedding table): `trainStep` finds them by itself when a loss uses them. */
  sparseParameters(): SparseParameter[] {
    return [this.table];
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/**
 * Sum over the positions whose mask is 1 divided by count^power (1: the mean; 0.5: sum / sqrt(count)):
 * [batch, seq, h] x [batch, seq] -> [batch, h] (an all-pad row gives 0).
 */
export function maskedMean(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D, power = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const mask = tf.cast(attentionMask, 'float32');
    const sum = tf.sum(tf.mul(hidden, tf.expandDims(mask, 2)), 1);
    const count = tf.maximum(tf.sum(mask, 1, true), 1);
    if (power === 0) return sum as tf.Tensor2D;
    return tf.div(sum, power === 1 ? count : tf.pow(count, power)) as tf.Tensor2D;
  });
}
