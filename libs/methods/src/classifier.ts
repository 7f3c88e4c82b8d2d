import type { Encoder, Head } from '@workbench/model';
import { tf } from '@workbench/tensor';
import type { SequencePooling } from './multitask/sequence-pooling.ts';
import { disposeBatch, makeTokenBatch, type TokenIds } from './token-batch.ts';

/**
 * A multi-label classifier: an encoder and a sigmoid head. Exposes every stage of the forward pass so a
 * method can mix inputs at the embedding, pooled or logit level.
 */
export class MultiLabelClassifier {
  constructor(
    readonly encoder: Encoder,
    readonly head: Head,
    readonly padId: number,
    /** How features are read from the hidden states; absent: the encoder's own `pool`. */
    readonly pooling?: SequencePooling,
  ) {
    this.unused = pooling ? pooling.unusedWeights(encoder) : () => false;
  }

  /** Encoder weights the pooling leaves out (BERT's pooler under mean pooling): not trained, saved or counted. */
  private readonly unused: (name: string) => boolean;

  get numLabels(): number {
    return this.head.outputSize;
  }

  embed(inputIds: tf.Tensor2D, training: boolean): tf.Tensor3D {
    return this.encoder.embed(inputIds, { training });
  }

  /** Pooled features from embeddings. */
  featuresFromEmbeddings(embeddings: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const hidden = this.encoder.encode(embeddings, mask, { training });
    return this.pooling ? this.pooling.pool(this.encoder, hidden, mask, training) : this.encoder.pool(hidden, mask, { training });
  }

  logitsFromFeatures(features: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.head.apply(features, { training }) as tf.Tensor2D;
  }

  features(inputIds: tf.Tensor2D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.featuresFromEmbeddings(this.embed(inputIds, training), mask, training);
  }

  logits(inputIds: tf.Tensor2D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.logitsFromFeatures(this.features(inputIds, mask, training), training);
  }

  /** Every trainable weight: `encoder.<name>` and `head.<name>`. */
  variables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [k, v] of this.encoder.variables()) if (!this.unused(k)) out.set(`encoder.${k}`, v);
    for (const [k, v] of this.head.variables()) out.set(`head.${k}`, v);
    return out;
  }

  /** Sigmoid scores for every row of a corpus, in eval mode, in batches. Row-major [rows x labels]. */
  predict(corpus: readonly TokenIds[], batchSize = 128): Float32Array {
    const out = new Float32Array(corpus.length * this.numLabels);
    // Sorting by length keeps padding (wasted compute) low; results go back to their rows.
    const order = Array.from(corpus.keys()).sort((a, b) => (corpus[a] as TokenIds).length - (corpus[b] as TokenIds).length);
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const batch = makeTokenBatch(corpus, rows, this.padId);
      const scores = tf.tidy(() => tf.sigmoid(this.logits(batch.inputIds, batch.attentionMask, false)));
      const values = scores.dataSync();
      scores.dispose();
      disposeBatch(batch);
      rows.forEach((r, i) => out.set(values.subarray(i * this.numLabels, (i + 1) * this.numLabels), r * this.numLabels));
    }
    return out;
  }

  /** Trainable numbers, dense and sparse, counted from shapes (no weight is read). */
  parameterCount(): number {
    let n = 0;
    for (const v of this.variables().values()) n += v.size;
    for (const p of this.encoder.sparseParameters?.() ?? []) n += p.rows * p.dim;
    return n;
  }

  /** A copy of every weight's values (for teachers, snapshots and the stage cache). */
  snapshot(): Map<string, { shape: number[]; values: Float32Array }> {
    const out = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [k, v] of this.variables()) out.set(k, { shape: v.shape, values: v.dataSync() as Float32Array });
    // Sparse tables (the n-gram embeddings) live outside tf.Variables: without them a copy would be untrained.
    for (const p of this.encoder.sparseParameters?.() ?? []) out.set(`encoder.${p.name}`, { shape: [p.rows, p.dim], values: p.weight.slice() });
    return out;
  }

  /** Loads weights saved by `snapshot`; every weight must be present with its shape. */
  restore(weights: Map<string, { shape: number[]; values: Float32Array }>): void {
    for (const [k, v] of this.variables()) {
      const w = weights.get(k);
      if (!w) throw new Error(`restore: weight '${k}' is missing`);
      if (w.shape.join('x') !== v.shape.join('x')) throw new Error(`restore: weight '${k}' has shape [${w.shape}], expected [${v.shape}]`);
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape, v.dtype)));
    }
    for (const p of this.encoder.sparseParameters?.() ?? []) {
      const w = weights.get(`encoder.${p.name}`);
      if (!w) throw new Error(`restore: weight 'encoder.${p.name}' is missing`);
      if (w.values.length !== p.weight.length) throw new Error(`restore: weight 'encoder.${p.name}' has ${w.values.length} values, expected ${p.rows} x ${p.dim}`);
      p.weight.set(w.values);
    }
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}
