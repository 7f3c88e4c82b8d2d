import { createRng } from '@workbench/core';
import { tf, TEST_BACKENDS, useBackend } from '@workbench/tensor';
import { SparseEmbedding } from './sparse-embedding.ts';
import { withSparseTape } from './sparse-gradient-tape.ts';

describe.each(TEST_BACKENDS)('SparseEmbedding on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('sums the looked-up rows and gets the same row gradients as tf.gather on a dense table', () => {
    const rows = 7;
    const dim = 3;
    const table = new SparseEmbedding('t', rows, dim, { rng: createRng('sparse-lookup'), std: 1 });
    // 5 positions, 2 rows each (-1: nothing); row 2 appears three times.
    const ids = Int32Array.from([2, 5, 0, -1, 2, 2, 6, 1, -1, -1]);
    const dyRng = createRng('dy');
    const weights = tf.tensor3d(Array.from({ length: 5 * dim }, () => dyRng.normal()), [1, 5, dim]);
    const loss = (emb: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.tanh(emb), weights)) as tf.Scalar;

    // Dense reference: gather from a variable copy of the table, with -1 rows masked out.
    const dense = tf.variable(table.toTensor(), true, `sparse-ref-${backend}`);
    const safe = tf.tensor1d(Array.from(ids, (i) => Math.max(i, 0)), 'int32');
    const keep = tf.tensor2d(Array.from(ids, (i) => (i < 0 ? 0 : 1)), [10, 1]);
    const ref = tf.variableGrads(() => loss(tf.mul(tf.gather(dense, safe), keep).reshape([5, 2, dim]).sum(1).reshape([1, 5, dim])), [dense]);

    withSparseTape(() => undefined); // creates the process-wide anchor variable once
    const before = tf.memory().numTensors;
    const { result } = withSparseTape((anchor) => {
      const forward = tf.tidy(() => table.lookupSum(ids, 2, [1, 5]));
      const expected = tf.tidy(() => tf.mul(tf.gather(dense, safe), keep).reshape([5, 2, dim]).sum(1).reshape([1, 5, dim]));
      const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(forward, expected))).dataSync()[0] as number);
      tf.dispose([forward, expected]);
      const g = tf.variableGrads(() => loss(table.lookupSum(ids, 2, [1, 5])), [anchor]);
      tf.dispose([g.value, ...Object.values(g.grads)]);
      return maxDiff;
    });
    expect(result).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);

    const { rows: touched, values } = table.gradient();
    expect(Array.from(touched).sort()).toEqual([0, 1, 2, 5, 6]);
    const refGrad = ref.grads[dense.name]?.arraySync() as number[][];
    touched.forEach((r, s) => {
      for (let d = 0; d < dim; d++) expect(Math.abs((values[s * dim + d] as number) - (refGrad[r]?.[d] as number))).toBeLessThan(1e-5);
    });
    // Untouched rows have a zero dense gradient, so nothing is lost by skipping them.
    for (const r of [3, 4]) expect(refGrad[r]).toEqual([0, 0, 0]);
    table.clearGradient();
    expect(table.gradient().rows).toHaveLength(0);
    tf.dispose([dense, safe, keep, weights, ref.value, ...Object.values(ref.grads)]);
  });

  it('outside a tape a lookup is a constant tensor and records nothing', () => {
    const table = new SparseEmbedding('t', 3, 2, new Float32Array([1, 2, 3, 4, 5, 6]));
    const out = table.lookupSum(Int32Array.from([2, 0, -1, 1]), 2, [2]);
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.dataSync())).toEqual([6, 8, 3, 4]);
    out.dispose();
    expect(table.gradient().rows).toHaveLength(0);
    expect(() => table.lookupSum(Int32Array.from([3]), 1, [1])).toThrow(/row 3 outside \[0, 3\)/);
  });
});
