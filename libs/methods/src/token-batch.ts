import { tf } from '@workbench/tensor';
import { makeBatches } from '@workbench/text';

/** Token ids of one text (already truncated), as produced once per corpus by the backbone's tokenizer. */
export type TokenIds = Int32Array;

/** A padded batch: ids and 0/1 mask, [batch, longest row of the batch]. */
export interface TokenBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
}

/** Pads the selected rows to the batch's longest row (dynamic padding); at least `minLength` columns. */
export function makeTokenBatch(corpus: readonly TokenIds[], rows: readonly number[], padId: number, minLength = 1): TokenBatch {
  let length = minLength;
  for (const r of rows) length = Math.max(length, (corpus[r] as TokenIds).length);
  const ids = new Int32Array(rows.length * length).fill(padId);
  const mask = new Float32Array(rows.length * length);
  rows.forEach((r, i) => {
    const row = corpus[r] as TokenIds;
    ids.set(row, i * length);
    mask.fill(1, i * length, i * length + row.length);
  });
  return {
    inputIds: tf.tensor2d(ids, [rows.length, length], 'int32'),
    attentionMask: tf.tensor2d(mask, [rows.length, length], 'float32'),
  };
}

export function disposeBatch(b: TokenBatch): void {
  b.inputIds.dispose();
  b.attentionMask.dispose();
}

/** Length bucketing of training batches (off by default: the sampler's batches are used as they are). */
export interface LengthBucketingConfig {
  /**
   * Rows are sorted by length within windows of this many batches and the batches re-cut and shuffled, as
   * Hugging Face's LengthGroupedSampler ("mega-batches"); 0 = off. Dynamic padding then wastes less compute.
   */
  multiplier: number;
}

export const DEFAULT_LENGTH_BUCKETING: Required<LengthBucketingConfig> = { multiplier: 0 };

/**
 * Re-groups an epoch's batches so rows of similar length share a batch (libs/text's `makeBatches`, seeded
 * shuffle + sort within windows of `multiplier` batches + shuffled batch order). Every row occurrence of the
 * epoch is kept (a sampler's repeats included), batches keep the largest batch size of the epoch; what the
 * sampler decided per batch (e.g. label balance) then holds per window only. `multiplier` 0: `batches` unchanged.
 */
export function bucketBatchesByLength(batches: readonly (readonly number[])[], corpus: readonly TokenIds[], padId: number, multiplier: number, seed: number): number[][] {
  if (multiplier <= 0 || batches.length === 0) return batches.map((b) => [...b]);
  const rows = batches.flat();
  const batchSize = Math.max(...batches.map((b) => b.length));
  const grouped = makeBatches(
    rows.map((r) => corpus[r] as TokenIds),
    { batchSize, padId, bucketByLength: true, shuffle: true, seed, bucketMultiplier: multiplier },
  );
  return grouped.map((b) => b.indices.map((i) => rows[i] as number));
}
