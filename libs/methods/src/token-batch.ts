import { tf } from '@workbench/tensor';

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
