import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, softplus64, values } from '../test/grad-check.ts';
import { BCE_LOSS, DEFAULT_BCE, bceLoss } from './bce-loss.ts';

// float64 reference: y*softplus(-x) + (1-y)*softplus(x), masked and weighted.
function bce64(x: number[][], y: number[][], mask?: number[][], w?: number[], reduction = 'mean'): { loss: number; perLabel: number[] } {
  const L = x[0]!.length;
  const sums = new Array<number>(L).fill(0);
  const counts = new Array<number>(L).fill(0);
  x.forEach((row, b) =>
    row.forEach((xi, l) => {
      const m = mask ? mask[b]![l]! : 1;
      const yi = y[b]![l]!;
      sums[l]! += m * (w ? w[l]! : 1) * (yi * softplus64(-xi) + (1 - yi) * softplus64(xi));
      counts[l]! += m;
    }),
  );
  const total = counts.reduce((a, c) => a + c, 0);
  const perLabel = sums.map((s, l) => (reduction === 'mean' ? s / Math.max(total, 1) : s / Math.max(counts[l]!, 1)));
  return { loss: perLabel.reduce((a, c) => a + c, 0), perLabel };
}

describe('bce', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked values: log 2 at logit 0, softplus(2) for a negative at 2', () => {
    const r = bceLoss({ logits: tf.tensor2d([[0, 2]]), labels: tf.tensor2d([[1, 0]]) });
    // (log 2 + log(1 + e^2)) / 2 = (0.693147 + 2.126928) / 2
    expect(scalarValue(r.loss)).toBeCloseTo((0.6931472 + 2.1269280) / 2, 5);
    expect(values(r.perLabel!)).toEqual([expect.closeTo(0.3465736, 5), expect.closeTo(1.063464, 5)]);
  });

  it('is exact for extreme logits (no overflow, no log 0)', () => {
    const x = [[100, -100, 30, -30]];
    const y = [[1, 0, 0, 1]];
    const r = bceLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) });
    // The two wrong predictions cost 30 + softplus(-30) each; the two right ones ~0.
    expect(scalarValue(r.loss)).toBeCloseTo(bce64(x, y).loss, 4);
    r.perLabel!.dispose();
  });

  it('matches the float64 reference with mask, weights and both reductions', () => {
    const x = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7]];
    const y = [[1, 0, 1], [0, 0, 1]];
    const mask = [[1, 1, 0], [1, 0, 1]];
    const w = [2, 0.5, 1];
    for (const reduction of ['mean', 'label-sum'] as const) {
      const r = bceLoss(
        { logits: tf.tensor2d(x), labels: tf.tensor2d(y), mask: tf.tensor2d(mask), labelWeights: tf.tensor1d(w) },
        { ...DEFAULT_BCE, reduction },
      );
      const ref = bce64(x, y, mask, w, reduction);
      expect(scalarValue(r.loss)).toBeCloseTo(ref.loss, 5);
      values(r.perLabel!).forEach((v, l) => expect(v).toBeCloseTo(ref.perLabel[l]!, 5));
    }
  });

  it('all-masked gives 0 and a zero gradient', () => {
    const r = bceLoss({ logits: tf.tensor2d([[1, 2]]), labels: tf.tensor2d([[1, 0]]), mask: tf.zeros([1, 2]) });
    expect(scalarValue(r.loss)).toBe(0);
    r.perLabel!.dispose();
    const g = tf.grad((x: tf.Tensor) => bceLoss({ logits: x, labels: tf.tensor2d([[1, 0]]), mask: tf.zeros([1, 2]) }).loss)(tf.tensor2d([[1, 2]]));
    expect(values(g)).toEqual([0, 0]);
  });

  it('leaks no tensors', () => {
    const logits = tf.tensor2d([[0.5, -0.5]]);
    const labels = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    const r = bceLoss({ logits, labels });
    expect(tf.memory().numTensors).toBe(before + 2); // exactly loss and perLabel
    r.loss.dispose();
    r.perLabel!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  it('rejects unknown config keys and bad values', () => {
    expect(() => BCE_LOSS.resolve({ reductoin: 'mean' })).toThrow(/unknown key 'reductoin' \(did you mean 'reduction'\?\)/);
    expect(() => BCE_LOSS.resolve({ reduction: 'sum' }, { path: 'loss' })).toThrow(/loss\.reduction: invalid value 'sum'; valid: mean, label-sum/);
    expect(() => bceLoss({ logits: tf.zeros([2, 3]), labels: tf.zeros([2, 2]) })).toThrow(/'labels' has shape \[2, 2\] but 'logits' has shape \[2, 3\]/);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7];
    const y = [[1, 0, 1], [0, 0, 1]];
    const mask = [[1, 1, 0], [1, 1, 1]];
    const w = [2, 0.5, 1];
    it.each(['mean', 'label-sum'] as const)('%s reduction matches finite differences', (reduction) => {
      expectGradientMatches(
        (x) => bceLoss({ logits: x, labels: tf.tensor2d(y), mask: tf.tensor2d(mask), labelWeights: tf.tensor1d(w) }, { ...DEFAULT_BCE, reduction }).loss,
        (x) => bce64(rows(x, 3), y, mask, w, reduction).loss,
        x0,
        [2, 3],
      );
    });
  });
});
