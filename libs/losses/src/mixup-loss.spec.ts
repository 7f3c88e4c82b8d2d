import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, logSigmoid64, scalarValue, sigmoid64, values } from '../test/grad-check.ts';
import { interpolate, unionAttentionMask } from './interpolate.ts';
import { DEFAULT_MIXUP, MIXUP_LOSS, mixupLoss, type MixupConfig } from './mixup-loss.ts';
import { drawMixupPairs, sampleMixupCoefficients } from './mixup-pairs.ts';
import { mixupTargets } from './mixup-targets.ts';

// float64 reference of the whole MixUp term as a function of the mixed logits z and the u logits v.
function mixup64(z: number[], v: number[], mu: number[], pairing: string, form: string): number {
  return z.reduce((acc, zi, m) => {
    const su = sigmoid64(v[m]!);
    const phi = pairing === 'vpu' ? mu[m]! * su + (1 - mu[m]!) : mu[m]! + (1 - mu[m]!) * su;
    const d = form === 'norm' ? phi - sigmoid64(zi) : Math.log(phi) - logSigmoid64(zi);
    return acc + d * d;
  }, 0);
}

describe('mixup helpers', () => {
  beforeAll(async () => useBackend('cpu'));

  it('mixupTargets: vpu pairs mu with s(u), reference pairs mu with the positive', () => {
    const s = tf.tensor1d([0.2, 0.6]);
    expect(values(mixupTargets(0.25, s, 'vpu'))).toEqual([expect.closeTo(0.8, 6), expect.closeTo(0.9, 6)]); // 0.25*0.2+0.75, 0.25*0.6+0.75
    expect(values(mixupTargets([0.25, 1], s, 'reference'))).toEqual([expect.closeTo(0.4, 6), expect.closeTo(1, 6)]); // 0.25+0.75*0.2, 1
    expect(() => mixupTargets([0.5], s, 'vpu')).toThrow(/expected 2 mixing coefficients/);
    s.dispose();
  });

  it('interpolate mixes rows of any rank with one mu per row, and masks combine by union', () => {
    const a = tf.tensor3d([[[1, 2], [3, 4]], [[10, 20], [30, 40]]]);
    const b = tf.tensor3d([[[0, 0], [0, 0]], [[0, 10], [0, 0]]]);
    const before = tf.memory().numTensors;
    const mixed = interpolate(a, b, [0.5, 0.1]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(values(mixed)).toEqual([0.5, 1, 1.5, 2, 1, 11, 3, 4].map((x) => expect.closeTo(x, 5)));
    expect(values(interpolate(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), 0.25))).toEqual([2.5, 3.5]);
    expect(values(unionAttentionMask(tf.tensor2d([[1, 1, 0, 0]]), tf.tensor2d([[1, 1, 1, 0]])))).toEqual([1, 1, 1, 0]);
    expect(() => interpolate<tf.Tensor>(a, tf.zeros([2, 2]), 0.5)).toThrow(/shapes \[2, 2, 2\] and \[2, 2\] differ/);
    tf.dispose([a, b]);
  });

  it('sampleMixupCoefficients: seeded Beta(alpha, alpha) draws with the right moments', () => {
    const draws = sampleMixupCoefficients(createRng(7).derive('mixup'), 0.3, 4000);
    expect(sampleMixupCoefficients(createRng(7).derive('mixup'), 0.3, 5)).toEqual(draws.slice(0, 5));
    expect(draws.every((m) => m >= 0 && m <= 1)).toBe(true);
    const mean = draws.reduce((a, m) => a + m, 0) / draws.length;
    const variance = draws.reduce((a, m) => a + (m - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(Math.abs(variance - 0.09 / (0.36 * 1.6))).toBeLessThan(0.01); // ab / ((a+b)^2 (a+b+1)) = 0.15625
    expect(() => sampleMixupCoefficients(createRng(1), 0, 1)).toThrow(/alpha must be > 0/);
  });

  it('drawMixupPairs: one (u, p) per label with both P and U, u in U and p in P, deterministic', () => {
    const labels = [
      [1, 0, 1],
      [0, 0, 1],
      [1, 0, 1],
      [0, 0, 1],
    ]; // label 1: P empty; label 2: U empty
    const pairs = drawMixupPairs(labels, createRng(3), 0.3, 2);
    expect(pairs.map((p) => p.label)).toEqual([0, 0]);
    for (const pair of pairs) {
      expect(labels[pair.u]![pair.label]).toBe(0);
      expect(labels[pair.p]![pair.label]).toBe(1);
      expect(pair.mu).toBeGreaterThanOrEqual(0);
    }
    expect(drawMixupPairs(labels, createRng(3), 0.3, 2)).toEqual(pairs);
    // A mask that hides row 1 and 3 of label 0 leaves its U empty: no pair.
    expect(drawMixupPairs(labels, createRng(3), 0.3, 1, [[1, 1, 1], [0, 1, 1], [1, 1, 1], [0, 1, 1]])).toEqual([]);
  });
});

describe('mixup loss', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: norm form (0.8 - 0.5)^2 = 0.09, log form (log 0.8 - log 0.5)^2 = 0.220903, times weight', () => {
    const inputs = { mixedLogits: tf.tensor1d([0]), targets: tf.tensor1d([0.8]) };
    expect(scalarValue(mixupLoss(inputs).loss)).toBeCloseTo(0.09, 6);
    expect(scalarValue(mixupLoss(inputs, { ...DEFAULT_MIXUP, form: 'log' }).loss)).toBeCloseTo(0.220903, 5);
    expect(scalarValue(mixupLoss(inputs, { ...DEFAULT_MIXUP, weight: 2, reduction: 'mean' }).loss)).toBeCloseTo(0.18, 6);
    tf.dispose(Object.values(inputs));
  });

  it('[M, L] mixed logits with labelIndex pick each row\'s label and give per-label parts', () => {
    const inputs = {
      mixedLogits: tf.tensor2d([[0, 5, -5], [9, 0, 9], [0, 7, 7]]),
      labelIndex: tf.tensor1d([0, 1, 0], 'int32'),
      targets: tf.tensor1d([0.8, 0.6, 0.5]),
    };
    const r = mixupLoss(inputs);
    expect(values(r.perLabel!)).toEqual([expect.closeTo(0.09, 6), expect.closeTo(0.01, 6), 0]);
    expect(scalarValue(r.loss)).toBeCloseTo(0.1, 6);
    tf.dispose(Object.values(inputs));
  });

  it('no mixed rows gives 0', () => {
    const r = mixupLoss({ mixedLogits: tf.zeros([0, 3]), labelIndex: tf.zeros([0], 'int32'), targets: tf.zeros([0]) });
    expect(scalarValue(r.loss)).toBe(0);
    expect(values(r.perLabel!)).toEqual([0, 0, 0]);
  });

  it('gradient off: same value, zero gradient; detachTargets stops only the gradient through phi', () => {
    const z = tf.tensor1d([0.3, -1]);
    const t = tf.tensor1d([0.8, 0.4]);
    const on = scalarValue(mixupLoss({ mixedLogits: z, targets: t }).loss);
    const offCfg = { ...DEFAULT_MIXUP, gradient: 'off' as const };
    expect(scalarValue(mixupLoss({ mixedLogits: z, targets: t }, offCfg).loss)).toBeCloseTo(on, 7);
    const before = tf.memory().numTensors;
    const [gz, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mixupLoss({ mixedLogits: a, targets: b }, offCfg).loss)([z, t]);
    expect([...values(gz!), ...values(gt!)]).toEqual([0, 0, 0, 0]);
    const [dz, dt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mixupLoss({ mixedLogits: a, targets: b }, { ...DEFAULT_MIXUP, detachTargets: true }).loss)([z, t]);
    expect(values(dt!)).toEqual([0, 0]);
    // d/dz (phi - s)^2 = -2 (phi - s) s (1 - s)
    const s = sigmoid64(0.3);
    expect(values(dz!)[0]).toBeCloseTo(-2 * (0.8 - s) * s * (1 - s), 6);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, t]);
  });

  it('rejects bad config values with the valid ones', () => {
    expect(() => MIXUP_LOSS.resolve({ level: 'pool' })).toThrow(/level: invalid value 'pool' \(did you mean 'pooled'\?\); valid: embedding, pooled, logit/);
    expect(() => MIXUP_LOSS.resolve({ alpha: 0 })).toThrow(/alpha: 0 is out of range/);
    expect(() => MIXUP_LOSS.resolve({ gradient: true })).toThrow(/gradient: expected a string, got boolean/);
    expect(MIXUP_LOSS.resolve({ pairing: 'reference', gradient: 'off' })).toEqual({ ...DEFAULT_MIXUP, pairing: 'reference', gradient: 'off' });
  });

  describe.each(TEST_BACKENDS)('gradient through mixed logits and s(u) on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    const mu = [0.25, 0.9, 0.05];
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7]; // mixed logits, then u logits
    const cases: [string, string][] = [['vpu', 'norm'], ['vpu', 'log'], ['reference', 'norm'], ['reference', 'log']];
    it.each(cases)('pairing %s, form %s', (pairing, form) => {
      const cfg: Required<MixupConfig> = { ...DEFAULT_MIXUP, pairing: pairing as 'vpu', form: form as 'norm' };
      expectGradientMatches(
        (x) => {
          const [z, v] = tf.split(x, 2, 0).map((t) => t.reshape([-1]));
          return mixupLoss({ mixedLogits: z, targets: mixupTargets(mu, tf.sigmoid(v!), cfg.pairing) }, cfg).loss;
        },
        (x) => mixup64(x.slice(0, 3), x.slice(3), mu, pairing, form),
        x0,
        [2, 3],
      );
    });
    it('[M, L] mixed logits with labelIndex: only each row\'s own label gets a gradient', () => {
      const labelIndex = [2, 0];
      const targets = [0.8, 0.3];
      const z0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7];
      expectGradientMatches(
        (x) => mixupLoss({ mixedLogits: x, labelIndex: tf.tensor1d(labelIndex, 'int32'), targets: tf.tensor1d(targets) }).loss,
        (x) => labelIndex.reduce((a, l, m) => a + (targets[m]! - sigmoid64(x[m * 3 + l]!)) ** 2, 0),
        z0,
        [2, 3],
      );
    });
  });
});
