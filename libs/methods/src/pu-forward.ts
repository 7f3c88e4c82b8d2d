import { interpolate, unionAttentionMask, type MixupLevel, type MixupPair } from '@workbench/losses';
import { tf } from '@workbench/tensor';
import type { MultiLabelClassifier } from './classifier.ts';
import type { TokenBatch } from './token-batch.ts';

export interface PuForwardResult {
  /** [B, L] logits of the batch. */
  logits: tf.Tensor2D;
  /** [M] logit of each mixed row at the label it was mixed for (absent without pairs). */
  mixedLogits?: tf.Tensor1D;
  /** [M] sigmoid score of each pair's unlabelled row at its label: s(u), the input of the MixUp target. */
  scoreU?: tf.Tensor1D;
  /** [M] mixing coefficients. */
  mu?: tf.Tensor1D;
}

/**
 * The forward pass of a PU step with MixUp, for all labels at once: the M mixed rows (one per label with
 * P and U in the batch) ride in the same encoder pass as the batch (B + M rows), so MixUp costs M/B more
 * encoder work and nothing else. The pair rows are batch rows, so their embeddings are gathered from the
 * batch's own embedding output rather than computed again.
 */
export function puForward(model: MultiLabelClassifier, batch: TokenBatch, pairs: readonly MixupPair[], level: MixupLevel, training: boolean): PuForwardResult {
  const B = batch.inputIds.shape[0];
  const L = model.numLabels;
  const M = pairs.length;
  const embeddings = model.embed(batch.inputIds, training);
  if (M === 0) return { logits: model.logitsFromFeatures(model.featuresFromEmbeddings(embeddings, batch.attentionMask, training), training) };

  const u = tf.tensor1d(pairs.map((p) => p.u), 'int32');
  const p = tf.tensor1d(pairs.map((x) => x.p), 'int32');
  const mu = tf.tensor1d(pairs.map((x) => x.mu), 'float32');
  // Flat index (row * L + label) of each pair's label: picks one logit per row with a gather, whose
  // gradient is a segment sum (fast kernels on every backend). Built in JS: the pairs are known here.
  const flat = (rows: (x: MixupPair, m: number) => number): tf.Tensor1D => tf.tensor1d(pairs.map((x, m) => rows(x, m) * L + x.label), 'int32');
  const pickAt = (logits: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor1D => tf.gather(tf.reshape(logits, [-1]), index) as tf.Tensor1D;
  const atU = flat((x) => x.u);
  const atP = flat((x) => x.p);
  const atMixed = flat((_, m) => m);
  const mus = pairs.map((x) => x.mu);

  let logits: tf.Tensor2D;
  let mixedLogits: tf.Tensor1D;
  if (level === 'embedding') {
    const mixed = interpolate(tf.gather(embeddings, u) as tf.Tensor3D, tf.gather(embeddings, p) as tf.Tensor3D, mus);
    // The mixed text attends to every token either input has.
    const mixedMask = unionAttentionMask(tf.gather(batch.attentionMask, u) as tf.Tensor2D, tf.gather(batch.attentionMask, p) as tf.Tensor2D);
    const all = model.logitsFromFeatures(
      model.featuresFromEmbeddings(tf.concat([embeddings, mixed], 0), tf.concat([batch.attentionMask, mixedMask], 0), training),
      training,
    );
    logits = tf.slice(all, [0, 0], [B, L]);
    mixedLogits = pickAt(tf.slice(all, [B, 0], [M, L]), atMixed);
  } else {
    const features = model.featuresFromEmbeddings(embeddings, batch.attentionMask, training);
    logits = model.logitsFromFeatures(features, training);
    if (level === 'pooled') {
      const mixed = model.logitsFromFeatures(interpolate(tf.gather(features, u) as tf.Tensor2D, tf.gather(features, p) as tf.Tensor2D, mus), training);
      mixedLogits = pickAt(mixed, atMixed);
    } else {
      mixedLogits = interpolate(pickAt(logits, atU), pickAt(logits, atP), mus);
    }
  }
  return { logits, mixedLogits, scoreU: tf.sigmoid(pickAt(logits, atU)) as tf.Tensor1D, mu };
}
