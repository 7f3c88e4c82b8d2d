import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, scalarValue, softplus64 } from '../test/grad-check.ts';
import { DEFAULT_DOMAIN_ADVERSARIAL, DOMAIN_ADVERSARIAL_LOSS, domainAdversarialLoss } from './domain-adversarial-loss.ts';
import { gradientReversal } from './gradient-reversal.ts';

const bce64 = (z: number[], y: number[]): number => z.reduce((a, zi, i) => a + y[i]! * softplus64(-zi) + (1 - y[i]!) * softplus64(zi), 0) / z.length;

describe('domain-adversarial', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: a source row at logit 2 and a target row at logit 0 cost (0.126928 + 0.693147) / 2', () => {
    const r = domainAdversarialLoss({ domainLogits: tf.tensor2d([[2], [0]]), domainLabels: tf.tensor2d([[1], [0]]) });
    expect(scalarValue(r.loss)).toBeCloseTo((0.126928 + 0.693147) / 2, 5);
    expect(scalarValue(r.parts!['accuracy']!)).toBe(1); // a logit of exactly 0 counts as target
    const wrong = domainAdversarialLoss({ domainLogits: tf.tensor1d([2, 0.5]), domainLabels: tf.tensor1d([1, 0]) });
    expect(scalarValue(wrong.parts!['accuracy']!)).toBe(0.5);
    wrong.loss.dispose();
  });

  it('invertLabels flips the domains (the encoder loss of AAD: target rows labelled as source)', () => {
    const z = [1.5, -0.5, -2];
    const y = [1, 0, 0];
    const r = domainAdversarialLoss({ domainLogits: tf.tensor1d(z), domainLabels: tf.tensor1d(y) }, { ...DEFAULT_DOMAIN_ADVERSARIAL, invertLabels: true, weight: 2 });
    expect(scalarValue(r.loss)).toBeCloseTo(2 * bce64(z, [0, 1, 1]), 5);
    expect(scalarValue(r.parts!['accuracy']!)).toBe(1);
  });

  it('rejects bad shapes and an empty batch; leaks nothing', () => {
    expect(() => domainAdversarialLoss({ domainLogits: tf.zeros([2, 2]), domainLabels: tf.zeros([2, 2]) })).toThrow(/must be \[N\] or \[N, 1\]/);
    expect(() => domainAdversarialLoss({ domainLogits: tf.zeros([0]), domainLabels: tf.zeros([0]) })).toThrow(/N > 0/);
    expect(() => DOMAIN_ADVERSARIAL_LOSS.resolve({ invert: true })).toThrow(/unknown key 'invert'/);
    const z = tf.tensor1d([0.1, 0.2]);
    const y = tf.tensor1d([1, 0]);
    const before = tf.memory().numTensors;
    const r = domainAdversarialLoss({ domainLogits: z, domainLabels: y });
    tf.dispose([r.loss, r.parts!['accuracy']!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, y]);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    const x0 = [1.5, -0.5, -2, 0.3];
    const y = [1, 0, 0, 1];
    it('matches finite differences', () => {
      expectGradientMatches((x) => domainAdversarialLoss({ domainLogits: x, domainLabels: tf.tensor1d(y) }).loss, (x) => bce64(x, y), x0, [4]);
    });
    it('through a gradient-reversal layer it is exactly -lambda times that', () => {
      expectGradientMatches(
        (x) => domainAdversarialLoss({ domainLogits: gradientReversal(x, 0.7), domainLabels: tf.tensor1d(y) }).loss,
        (x) => -0.7 * bce64(x, y),
        x0,
        [4],
      );
    });
  });
});
