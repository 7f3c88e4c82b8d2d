import type { Rng } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { sparseTapeAnchor, type SparseParameter } from './sparse-gradient-tape.ts';

/**
 * An embedding table kept as a plain Float32Array and updated row by row. A lookup of k rows per position
 * returns their sum, [..., dim], built in JavaScript (no gather). Inside `withSparseTape` (which `trainStep`
 * uses) the lookup's gradient, [..., dim], is scattered into the touched rows only, so a step costs
 * O(tokens x dim) whatever the table size; the optimizer then updates those rows (lazy Adam, as
 * PyTorch's SparseAdam / TF Addons' LazyAdam). Outside a tape the lookup is a constant: no gradient.
 */
export class SparseEmbedding implements SparseParameter {
  readonly weight: Float32Array;
  private readonly slot: Int32Array;
  private touchedRows = new Int32Array(1024);
  private gradValues: Float32Array;
  private touchedCount = 0;

  constructor(
    readonly name: string,
    readonly rows: number,
    readonly dim: number,
    init: { rng: Rng; std: number } | Float32Array,
  ) {
    if (init instanceof Float32Array) {
      if (init.length !== rows * dim) throw new Error(`SparseEmbedding ${name}: initial values have ${init.length} floats, expected ${rows} x ${dim}`);
      this.weight = init.slice();
    } else {
      this.weight = new Float32Array(rows * dim);
      for (let i = 0; i < this.weight.length; i++) this.weight[i] = init.rng.normal(0, init.std);
    }
    this.slot = new Int32Array(rows).fill(-1);
    this.gradValues = new Float32Array(1024 * dim);
  }

  /**
   * For each of `positions` positions, the sum of the rows `ids[p * k .. p * k + k)` (a negative id adds nothing):
   * a float32 tensor of shape [...shape, dim] where shape multiplies to `positions`.
   */
  lookupSum(ids: Int32Array, k: number, shape: number[]): tf.Tensor {
    const positions = ids.length / k;
    const { dim, weight } = this;
    const out = new Float32Array(positions * dim);
    for (let p = 0; p < positions; p++) {
      const dst = p * dim;
      for (let j = 0; j < k; j++) {
        const row = ids[p * k + j] as number;
        if (row < 0) continue;
        if (row >= this.rows) throw new Error(`SparseEmbedding ${this.name}: row ${row} outside [0, ${this.rows})`);
        const src = row * dim;
        for (let d = 0; d < dim; d++) out[dst + d] += weight[src + d] as number;
      }
    }
    const outShape = [...shape, dim];
    const anchor = sparseTapeAnchor(this);
    if (!anchor) return tf.tensor(out, outShape, 'float32');
    const op = tf.customGrad(((a: tf.Tensor) => ({
      value: tf.tensor(out, outShape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        this.accumulate(ids, k, dy.dataSync() as Float32Array);
        return tf.zerosLike(a);
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(anchor) as tf.Tensor;
  }

  private accumulate(ids: Int32Array, k: number, dy: Float32Array): void {
    const { dim } = this;
    const positions = ids.length / k;
    for (let p = 0; p < positions; p++) {
      const src = p * dim;
      for (let j = 0; j < k; j++) {
        const row = ids[p * k + j] as number;
        if (row < 0) continue;
        const dst = this.slotOf(row) * dim;
        const g = this.gradValues;
        for (let d = 0; d < dim; d++) g[dst + d] += dy[src + d] as number;
      }
    }
  }

  private slotOf(row: number): number {
    let s = this.slot[row] as number;
    if (s >= 0) return s;
    s = this.touchedCount++;
    if (s >= this.touchedRows.length) {
      const rows = new Int32Array(this.touchedRows.length * 2);
      rows.set(this.touchedRows);
      this.touchedRows = rows;
      const values = new Float32Array(rows.length * this.dim);
      values.set(this.gradValues);
      this.gradValues = values;
    }
    this.touchedRows[s] = row;
    this.slot[row] = s;
    return s;
  }

  gradient(): { rows: Int32Array; values: Float32Array } {
    return { rows: this.touchedRows.subarray(0, this.touchedCount), values: this.gradValues.subarray(0, this.touchedCount * this.dim) };
  }

  clearGradient(): void {
    for (let s = 0; s < this.touchedCount; s++) this.slot[this.touchedRows[s] as number] = -1;
    this.gradValues.fill(0, 0, this.touchedCount * this.dim);
    this.touchedCount = 0;
  }

  /** A copy of the table as a tensor [rows, dim] (for export and inspection; owned by the caller). */
  toTensor(): tf.Tensor2D {
    return tf.tensor2d(this.weight, [this.rows, this.dim], 'float32');
  }
}
