import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, softplus64, values } from '../test/grad-check.ts';
import { ASSUME_NEGATIVE_BCE_LOSS, DEFAULT_ASSUME_NEGATIVE_BCE, assumeNegativeBceLoss } from './assume-negative-bce-loss.ts';

// float64 reference: target = label if observed else 0; weight 1 if observed else w_u; mean over entries.
function an64(x: number[][], y: number[][], observed: number[][] | undefined, wu: number, eps: number): number {
  let sum = 0;
  let n = 0;
  x.forEach((row, b) =>
    row.forEach((xi, l) => {
      const o = observed ? observed[b]![l]! : y[b]![l]!;
      const t = o ? y[b]![l]! : 0;
      const ts = t * (1 - eps) + eps / 2;
      sum += (o ? 1 : wu) * (ts * softplus64(-xi) + (1 - ts) * softplus64(xi));
      n += 1;
    }),
  );
  return sum / n;
}

describe('assume-negative-bce', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: an unobserved entry at logit 0 costs log 2 as a negative', () => {
    // entries: observed positive at 0 (log 2), unobserved at 0 (log 2, target 0): mean log 2
    const r = assumeNegativeBceLoss({ logits: tf.tensor2d([[0, 0]]), labels: tf.tensor2d([[1, 0]]) });
    expect(scalarValue(r.loss)).toBeCloseTo(Math.LN2, 6);
    r.perLabel!.dispose();
  });

  it('treats a label that is 1 but unobserved as a negative, and known negatives at full weight', () => {
    const x = [[1.0, -0.5, 0.2]];
    const y = [[1, 1, 0]];
    const observed = [[1, 0, 1]];
    const cfg = { ...DEFAULT_ASSUME_NEGATIVE_BCE, unobservedWeight: 0.5 };
    const r = assumeNegativeBceLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y), observed: tf.tensor2d(observed) }, cfg);
    // (softplus(-1) + 0.5*softplus(-0.5) + softplus(0.2)) / 3
    const hand = (0.3132617 + 0.5 * 0.4740770 + 0.7981389) / 3;
    expect(scalarValue(r.loss)).toBeCloseTo(hand, 5);
    expect(hand).toBeCloseTo(an64(x, y, observed, 0.5, 0), 6);
    r.perLabel!.dispose();
  });

  it('label smoothing and weak negatives match the float64 reference', () => {
    const x = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7]];
    const y = [[1, 0, 1], [0, 0, 1]];
    const cfg = ASSUME_NEGATIVE_BCE_LOSS.resolve({ unobservedWeight: 1 / 2, labelSmoothing: 0.1 });
    const r = assumeNegativeBceLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, cfg);
    expect(scalarValue(r.loss)).toBeCloseTo(an64(x, y, undefined, 0.5, 0.1), 5);
    expect(values(r.perLabel!).length).toBe(3);
  });

  it('with no positive at all (empty P) it is plain BCE against zeros; all-masked gives 0', () => {
    const r = assumeNegativeBceLoss({ logits: tf.tensor2d([[0, 0]]), labels: tf.zeros([1, 2]) });
    expect(scalarValue(r.loss)).toBeCloseTo(Math.LN2, 6);
    r.perLabel!.dispose();
    const m = assumeNegativeBceLoss({ logits: tf.tensor2d([[3, 1]]), labels: tf.tensor2d([[1, 0]]), mask: tf.zeros([1, 2]) });
    expect(scalarValue(m.loss)).toBe(0);
    m.perLabel!.dispose();
  });

  it('leaks no tensors and rejects out-of-range smoothing', () => {
    const logits = tf.tensor2d([[0.5, -0.5]]);
    const labels = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    const r = assumeNegativeBceLoss({ logits, labels });
    tf.dispose([r.loss, r.perLabel!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
    expect(() => ASSUME_NEGATIVE_BCE_LOSS.resolve({ labelSmoothing: 1 })).toThrow(/labelSmoothing: 1 is out of range: expected a number in \[0, 1\)/);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    it('matches finite differences (weak negatives, smoothing, observed mask)', () => {
      const y = [[1, 1, 0], [0, 0, 1]];
      const observed = [[1, 0, 1], [0, 1, 1]];
      const cfg = { ...DEFAULT_ASSUME_NEGATIVE_BCE, unobservedWeight: 0.3, labelSmoothing: 0.1 };
      expectGradientMatches(
        (x) => assumeNegativeBceLoss({ logits: x, labels: tf.tensor2d(y), observed: tf.tensor2d(observed) }, cfg).loss,
        (x) => an64(rows(x, 3), y, observed, 0.3, 0.1),
        [0.3, -1.2, 2.0, 1.5, 0.1, -0.7],
        [2, 3],
      );
    });
  });
});
