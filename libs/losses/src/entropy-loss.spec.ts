import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, scalarValue, sigmoid64, values } from '../test/grad-check.ts';
import { ENTROPY_LOSS, entropyLoss } from './entropy-loss.ts';

const h64 = (x: number): number => {
  const s = sigmoid64(x);
  return -(s * Math.log(s) + (1 - s) * Math.log(1 - s));
};

describe('entropy', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: log 2 at logit 0, 0.365334 at logit 2 (s = 0.880797)', () => {
    // -(0.880797 ln 0.880797 + 0.119203 ln 0.119203) = 0.880797 * 0.126928 + 0.119203 * 2.126928 = 0.111798 + 0.253536
    const r = entropyLoss({ logits: tf.tensor2d([[0, 2]]) });
    expect(values(r.perLabel!)).toEqual([expect.closeTo(Math.LN2 / 2, 6), expect.closeTo(0.365334 / 2, 5)]);
    expect(scalarValue(r.loss)).toBeCloseTo((Math.LN2 + 0.365334) / 2, 5);
  });

  it('is finite and near 0 for confident logits; masked entries are ignored; all-masked gives 0', () => {
    const r = entropyLoss({ logits: tf.tensor2d([[100, -100, 40]]) });
    const v = scalarValue(r.loss);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(1e-15);
    r.perLabel!.dispose();
    const m = entropyLoss({ logits: tf.tensor2d([[0, 5]]), mask: tf.tensor2d([[0, 1]]) }, ENTROPY_LOSS.resolve({ reduction: 'label-sum' }));
    expect(scalarValue(m.loss)).toBeCloseTo(h64(5), 6);
    m.perLabel!.dispose();
    const none = entropyLoss({ logits: tf.tensor2d([[0, 5]]), mask: tf.zeros([1, 2]) });
    expect(scalarValue(none.loss)).toBe(0);
    none.perLabel!.dispose();
  });

  it('leaks no tensors', () => {
    const logits = tf.tensor2d([[0.5, -0.5]]);
    const before = tf.memory().numTensors;
    const r = entropyLoss({ logits });
    tf.dispose([r.loss, r.perLabel!]);
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    it('matches finite differences (and -x s (1-s) analytically)', () => {
      const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7];
      expectGradientMatches((x) => entropyLoss({ logits: x }).loss, (x) => x.reduce((a, xi) => a + h64(xi), 0) / x.length, x0, [2, 3]);
    });
  });
});
