import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, sigmoid64, values } from '../test/grad-check.ts';
import { DALLMI_NORM_LOSS, DEFAULT_DALLMI_NORM, dallmiNormLoss } from './dallmi-norm-loss.ts';

// float64 reference from the definition: mean_U s - sqrt(sum_P s^2) per label, summed.
function norm64(x: number[][], y: number[][], emptyPositives = 'keep-u-term', mask?: number[][]): { loss: number; perLabel: number[] } {
  const perLabel: number[] = [];
  for (let l = 0; l < x[0]!.length; l++) {
    const keep = (b: number): boolean => (mask ? mask[b]![l] === 1 : true);
    const p = x.filter((_, b) => keep(b) && y[b]![l] === 1).map((r) => sigmoid64(r[l]!));
    const u = x.filter((_, b) => keep(b) && y[b]![l] === 0).map((r) => sigmoid64(r[l]!));
    if (p.length === 0 && emptyPositives === 'skip-label') {
      perLabel.push(0);
      continue;
    }
    const uTerm = u.length ? u.reduce((a, v) => a + v, 0) / u.length : 0;
    perLabel.push(uTerm - Math.sqrt(p.reduce((a, v) => a + v * v, 0)));
  }
  return { loss: perLabel.reduce((a, v) => a + v, 0), perLabel };
}

describe('dallmi-norm', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: two positives at logit 0 give -sqrt(0.5); the P-term is not divided by |P|', () => {
    // U = {0}: mean 0.5. P = {0, 0}: sqrt(0.25 + 0.25) = 0.707107. Loss 0.5 - 0.707107 = -0.207107.
    const r = dallmiNormLoss({ logits: tf.tensor2d([[0], [0], [0]]), labels: tf.tensor2d([[1], [1], [0]]) });
    expect(scalarValue(r.loss)).toBeCloseTo(-0.207107, 5);
    expect(scalarValue(r.parts!['pTerm']!)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scalarValue(r.parts!['uTerm']!)).toBeCloseTo(0.5, 6);
    tf.dispose([r.perLabel!, r.parts!['activeLabels']!]);
  });

  it('matches the float64 reference per label, with a mask', () => {
    const x = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7], [-0.4, 0.9, 0.2], [2.2, -2.5, 1.1]];
    const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const mask = [[1, 1, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];
    const r = dallmiNormLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y), mask: tf.tensor2d(mask) });
    const ref = norm64(x, y, 'keep-u-term', mask);
    expect(scalarValue(r.loss)).toBeCloseTo(ref.loss, 5);
    values(r.perLabel!).forEach((v, l) => expect(v).toBeCloseTo(ref.perLabel[l]!, 5));
    tf.dispose(Object.values(r.parts!));
  });

  it('empty P: the P-term is 0 and the U-term counts (reference code), or the label is skipped; empty U: U-term 0', () => {
    const x = [[0.5, 1.0], [-1.0, 2.0]];
    const y = [[0, 1], [0, 1]]; // label 0: P empty; label 1: U empty
    const r = dallmiNormLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) });
    const perLabel = values(r.perLabel!);
    expect(perLabel[0]).toBeCloseTo((sigmoid64(0.5) + sigmoid64(-1)) / 2, 6);
    expect(perLabel[1]).toBeCloseTo(-Math.hypot(sigmoid64(1), sigmoid64(2)), 6);
    tf.dispose([r.loss, ...Object.values(r.parts!)]);
    const skip = dallmiNormLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, { ...DEFAULT_DALLMI_NORM, emptyPositives: 'skip-label' });
    expect(values(skip.perLabel!)[0]).toBe(0);
    expect(scalarValue(skip.loss)).toBeCloseTo(norm64(x, y, 'skip-label').loss, 6);
    tf.dispose(Object.values(skip.parts!));
  });

  it('the gradient is finite and zero at an empty P with scores that underflow (sqrt guarded at 0)', () => {
    // sigmoid(-200) = 0 in float32, so sum_P s^2 is exactly 0 for label 1 and for label 0 (P empty).
    const labels = tf.tensor2d([[0, 1], [0, 0]]);
    const g = values(tf.grad((x: tf.Tensor) => dallmiNormLoss({ logits: x, labels }).loss)(tf.tensor2d([[0.3, -200], [0.1, 0.4]])));
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g[1]).toBe(0);
    expect(g[0]).toBeCloseTo(sigmoid64(0.3) * (1 - sigmoid64(0.3)) / 2, 6);
    labels.dispose();
  });

  it('all-masked gives 0 and a zero gradient; leaks nothing', () => {
    const labels = tf.tensor2d([[1, 0], [0, 1]]);
    const mask = tf.zeros([2, 2]);
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory().numTensors;
    const r = dallmiNormLoss({ logits: x, labels, mask });
    expect(scalarValue(r.loss)).toBe(0);
    tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
    expect(tf.memory().numTensors).toBe(before);
    const g = tf.grad((v: tf.Tensor) => dallmiNormLoss({ logits: v, labels, mask }).loss)(x);
    expect(values(g)).toEqual([0, 0, 0, 0]);
    tf.dispose([labels, mask, x]);
    expect(() => DALLMI_NORM_LOSS.resolve({ wieght: 2 })).toThrow(/unknown key 'wieght' \(did you mean 'weight'\?\)/);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    it('matches the float64 value and finite differences at a realistic size (B = 64, L = 20, 10% observed)', () => {
      const rng = createRng('realistic');
      const x0 = Array.from({ length: 64 * 20 }, () => rng.normal(0, 3));
      const y = rows(Array.from({ length: 64 * 20 }, () => (rng.next() < 0.1 ? 1 : 0)), 20);
      // Finite differences on 80 random entries keep the test fast (each costs two full float64 evaluations).
      const coords = rng.sample(x0.map((_, i) => i), 80);
      const r = dallmiNormLoss({ logits: tf.tensor2d(rows(x0, 20)), labels: tf.tensor2d(y) });
      const ref = norm64(rows(x0, 20), y).loss;
      expect(Math.abs(scalarValue(r.loss) - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
      expectGradientMatches((x) => dallmiNormLoss({ logits: x, labels: tf.tensor2d(y) }).loss, (x) => norm64(rows(x, 20), y).loss, x0, [64, 20], 1e-3, coords);
    });
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7, -0.4, 0.9, 0.2, 2.2, -2.5, 1.1];
    it('matches finite differences', () => {
      const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
      expectGradientMatches((x) => dallmiNormLoss({ logits: x, labels: tf.tensor2d(y) }).loss, (x) => norm64(rows(x, 3), y).loss, x0, [4, 3]);
    });
    it('matches finite differences with an empty-P and an empty-U label', () => {
      const y = [[0, 1, 1], [0, 1, 0], [0, 1, 1], [0, 1, 0]];
      expectGradientMatches((x) => dallmiNormLoss({ logits: x, labels: tf.tensor2d(y) }).loss, (x) => norm64(rows(x, 3), y).loss, x0, [4, 3]);
    });
  });
});
