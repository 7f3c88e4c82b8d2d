import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, sigmoid64, values } from '../test/grad-check.ts';
import { DEFAULT_VPU, VPU_LOSS, vpuLoss } from './vpu-loss.ts';

// float64 reference, straight from the definition: log(mean_U s) - mean_P log s per label, summed.
function vpu64(x: number[][], y: number[][], emptyPositives = 'skip-label'): { loss: number; perLabel: number[] } {
  const L = x[0]!.length;
  const perLabel: number[] = [];
  for (let l = 0; l < L; l++) {
    const p = x.filter((_, b) => y[b]![l] === 1).map((r) => r[l]!);
    const u = x.filter((_, b) => y[b]![l] === 0).map((r) => r[l]!);
    if (p.length === 0 && emptyPositives === 'skip-label') {
      perLabel.push(0);
      continue;
    }
    const uTerm = u.length ? Math.log(u.reduce((a, v) => a + sigmoid64(v), 0) / u.length) : 0;
    const pTerm = p.length ? p.reduce((a, v) => a + Math.log(sigmoid64(v)), 0) / p.length : 0;
    perLabel.push(uTerm - pTerm);
  }
  return { loss: perLabel.reduce((a, v) => a + v, 0), perLabel };
}

describe('vpu', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: logits 0 everywhere give log(1/2) - log(1/2) = 0; a confident positive gives log mean_U s', () => {
    const r = vpuLoss({ logits: tf.tensor2d([[0], [0], [0]]), labels: tf.tensor2d([[1], [0], [0]]) });
    expect(scalarValue(r.loss)).toBeCloseTo(0, 6);
    tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
    // P = {logit 2}: -log sigmoid(2) = 0.126928; U = {0, -2}: log((0.5 + 0.119203) / 2) = -1.172470
    const r2 = vpuLoss({ logits: tf.tensor2d([[2], [0], [-2]]), labels: tf.tensor2d([[1], [0], [0]]) });
    expect(scalarValue(r2.loss)).toBeCloseTo(-1.17247 + 0.126928, 5);
    expect(scalarValue(r2.parts!['uTerm']!)).toBeCloseTo(-1.17247, 5);
    expect(scalarValue(r2.parts!['pTerm']!)).toBeCloseTo(-0.126928, 5);
    tf.dispose([r2.perLabel!, r2.parts!['activeLabels']!]);
  });

  it('matches the float64 reference per label', () => {
    const x = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7], [-0.4, 0.9, 0.2], [2.2, -2.5, 1.1]];
    const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const r = vpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) });
    const ref = vpu64(x, y);
    expect(scalarValue(r.loss)).toBeCloseTo(ref.loss, 5);
    values(r.perLabel!).forEach((v, l) => expect(v).toBeCloseTo(ref.perLabel[l]!, 5));
    tf.dispose(Object.values(r.parts!));
  });

  it('is stable for confident logits where sigmoid underflows in float32', () => {
    // sigmoid(-120) = 7.7e-53 is 0 in float32: a naive log(mean s) would be -inf.
    const x = [[30], [-120], [-110]];
    const y = [[1], [0], [0]];
    const r = vpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) });
    const v = scalarValue(r.loss);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(vpu64(x, y).loss, 3); // about -110.69
    tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
  });

  it('empty P skips the label (or keeps its U-term when asked); empty U drops the U-term', () => {
    const x = [[0.5, 1.0], [-1.0, 2.0]];
    const y = [[0, 1], [0, 1]]; // label 0: P empty; label 1: U empty
    const r = vpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) });
    const perLabel = values(r.perLabel!);
    expect(perLabel[0]).toBe(0);
    expect(perLabel[1]).toBeCloseTo(-(Math.log(sigmoid64(1)) + Math.log(sigmoid64(2))) / 2, 5);
    expect(scalarValue(r.parts!['activeLabels']!)).toBe(1);
    tf.dispose([r.loss, r.parts!['uTerm']!, r.parts!['pTerm']!]);
    const keep = vpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, { ...DEFAULT_VPU, emptyPositives: 'keep-u-term' });
    expect(scalarValue(keep.loss)).toBeCloseTo(vpu64(x, y, 'keep-u-term').loss, 5);
    tf.dispose([keep.perLabel!, ...Object.values(keep.parts!)]);
  });

  it('all-masked gives 0 with a zero, finite gradient', () => {
    const labels = tf.tensor2d([[1, 0], [0, 1]]);
    const mask = tf.zeros([2, 2]);
    const g = tf.grad((x: tf.Tensor) => vpuLoss({ logits: x, labels, mask }).loss)(tf.tensor2d([[1, 2], [3, 4]]));
    expect(values(g)).toEqual([0, 0, 0, 0]);
    const r = vpuLoss({ logits: tf.tensor2d([[1, 2], [3, 4]]), labels, mask });
    expect(scalarValue(r.loss)).toBe(0);
    tf.dispose([r.perLabel!, ...Object.values(r.parts!), labels, mask]);
  });

  it('leaks no tensors; config is checked', () => {
    const logits = tf.tensor2d([[0.5, -0.5], [1, 2]]);
    const labels = tf.tensor2d([[1, 0], [0, 1]]);
    const before = tf.memory().numTensors;
    const r = vpuLoss({ logits, labels });
    tf.dispose([r.loss, r.perLabel!, ...Object.values(r.parts!)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
    expect(() => VPU_LOSS.resolve({ emptyPositives: 'skip-lable' })).toThrow(/emptyPositives: invalid value 'skip-lable' \(did you mean 'skip-label'\?\)/);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    it('matches the float64 value and finite differences at a realistic size (B = 64, L = 20, 10% observed)', () => {
      const rng = createRng('realistic');
      const x0 = Array.from({ length: 64 * 20 }, () => rng.normal(0, 3));
      const y = rows(Array.from({ length: 64 * 20 }, () => (rng.next() < 0.1 ? 1 : 0)), 20);
      // Finite differences on 80 random entries keep the test fast (each costs two full float64 evaluations).
      const coords = rng.sample(x0.map((_, i) => i), 80);
      const r = vpuLoss({ logits: tf.tensor2d(rows(x0, 20)), labels: tf.tensor2d(y) });
      const ref = vpu64(rows(x0, 20), y).loss;
      expect(Math.abs(scalarValue(r.loss) - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
      expectGradientMatches((x) => vpuLoss({ logits: x, labels: tf.tensor2d(y) }).loss, (x) => vpu64(rows(x, 20), y).loss, x0, [64, 20], 1e-3, coords);
    });
    const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7, -0.4, 0.9, 0.2, 2.2, -2.5, 1.1];
    it('matches finite differences', () => {
      expectGradientMatches((x) => vpuLoss({ logits: x, labels: tf.tensor2d(y) }).loss, (x) => vpu64(rows(x, 3), y).loss, x0, [4, 3]);
    });
    it('matches finite differences with an empty P and an empty U label (keep-u-term)', () => {
      const y2 = [[0, 1, 1], [0, 1, 0], [0, 1, 1], [0, 1, 0]];
      const cfg = { ...DEFAULT_VPU, emptyPositives: 'keep-u-term' as const };
      expectGradientMatches((x) => vpuLoss({ logits: x, labels: tf.tensor2d(y2) }, cfg).loss, (x) => vpu64(rows(x, 3), y2, 'keep-u-term').loss, x0, [4, 3]);
    });
  });
});
