import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, sigmoid64, softplus64, values } from '../test/grad-check.ts';
import { DEFAULT_NNPU, NNPU_LOSS, nnpuLoss, type NnpuConfig } from './nnpu-loss.ts';

// float64 reference of Kiryo et al.'s risks, per label. `descend` is what the gradient is taken of.
function nnpu64(x: number[][], y: number[][], priors: number[], cfg: { beta: number; gamma: number; surrogate: string }) {
  const lossFn = cfg.surrogate === 'sigmoid' ? (z: number) => sigmoid64(-z) : (z: number) => softplus64(-z);
  const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) : 0) / Math.max(1, a.length);
  let value = 0;
  let descend = 0;
  let unbiased = 0;
  for (let l = 0; l < x[0]!.length; l++) {
    const pi = priors.length === 1 ? priors[0]! : priors[l]!;
    const p = x.filter((_, b) => y[b]![l] === 1).map((r) => r[l]!);
    const u = x.filter((_, b) => y[b]![l] === 0).map((r) => r[l]!);
    const rp = pi * mean(p.map((z) => lossFn(z)));
    const rn = mean(u.map((z) => lossFn(-z))) - pi * mean(p.map((z) => lossFn(-z)));
    unbiased += rp + rn;
    value += rp + Math.max(rn, -cfg.beta);
    descend += rn < -cfg.beta ? -cfg.gamma * rn : rp + rn;
  }
  return { value, descend, unbiased };
}

const cfg = (c: Partial<NnpuConfig>): Required<NnpuConfig> => NNPU_LOSS.resolve(c);

describe('nnpu', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: logits 0, prior 0.5: R_p+ = 0.25, R_n = 0.5 - 0.25 = 0.25, total 0.5', () => {
    const r = nnpuLoss({ logits: tf.tensor2d([[0], [0]]), labels: tf.tensor2d([[1], [0]]) }, cfg({ priors: [0.5] }));
    expect(scalarValue(r.loss)).toBeCloseTo(0.5, 6);
    expect(scalarValue(r.parts!['positiveRisk']!)).toBeCloseTo(0.25, 6);
    expect(scalarValue(r.parts!['negativeRisk']!)).toBeCloseTo(0.25, 6);
    expect(scalarValue(r.parts!['correctedLabels']!)).toBe(0);
    r.perLabel!.dispose();
  });

  it('clamps a negative risk that went below -beta and reports pi R_p+ - beta', () => {
    // P = {logit 3}: sigmoid(-3) = 0.047426, sigmoid(3) = 0.952574; U = {logit -3}: sigmoid(-3) = 0.047426.
    // prior 0.6: R_p+ = 0.028456; R_n = 0.047426 - 0.6 * 0.952574 = -0.524118 < 0 -> value 0.028456.
    const x = [[3], [-3]];
    const y = [[1], [0]];
    const r = nnpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, cfg({ priors: [0.6] }));
    expect(scalarValue(r.loss)).toBeCloseTo(0.028456, 5);
    expect(scalarValue(r.parts!['negativeRisk']!)).toBeCloseTo(-0.524118, 5);
    expect(scalarValue(r.parts!['correctedLabels']!)).toBe(1);
    r.perLabel!.dispose();
    const u = nnpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, cfg({ priors: [0.6], nonNegative: false }));
    expect(scalarValue(u.loss)).toBeCloseTo(0.028456 - 0.524118, 5);
    tf.dispose([u.perLabel!, ...Object.values(u.parts!)]);
  });

  it('matches the float64 reference per label with per-label priors, both surrogates', () => {
    const x = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7], [-0.4, 0.9, 0.2], [2.2, -2.5, 1.1]];
    const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    for (const surrogate of ['sigmoid', 'logistic'] as const) {
      const c = cfg({ priors: [0.3, 0.2, 0.6], beta: 0.01, surrogate });
      const r = nnpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, c);
      expect(scalarValue(r.loss)).toBeCloseTo(nnpu64(x, y, c.priors, c).value, 5);
      tf.dispose([r.perLabel!, ...Object.values(r.parts!)]);
    }
  });

  it('empty P or U: their means are 0 (Kiryo et al. divide by max(1, n))', () => {
    const x = [[0.5, 1.0], [-1.0, 2.0]];
    const y = [[0, 1], [0, 1]]; // label 0: P empty; label 1: U empty
    const c = cfg({ priors: [0.4], nonNegative: false });
    const r = nnpuLoss({ logits: tf.tensor2d(x), labels: tf.tensor2d(y) }, c);
    const perLabel = values(r.perLabel!);
    expect(perLabel[0]).toBeCloseTo((sigmoid64(0.5) + sigmoid64(-1)) / 2, 6);
    expect(perLabel[1]).toBeCloseTo(0.4 * (sigmoid64(-1) + sigmoid64(-2)) / 2 - 0.4 * (sigmoid64(1) + sigmoid64(2)) / 2, 6);
    tf.dispose([r.loss, ...Object.values(r.parts!)]);
  });

  it('config: priors are required, in (0, 1), and 1 or L of them; leaks nothing', () => {
    expect(() => nnpuLoss({ logits: tf.zeros([2, 3]), labels: tf.zeros([2, 3]) }, DEFAULT_NNPU)).toThrow(/nnpu needs a class prior per label/);
    expect(() => nnpuLoss({ logits: tf.zeros([2, 3]), labels: tf.zeros([2, 3]) }, cfg({ priors: [0.1, 0.2] }))).toThrow(/2 priors for 3 labels/);
    expect(() => NNPU_LOSS.resolve({ priors: [0.2, 1] }, { path: 'loss' })).toThrow(/loss\.priors\[1\]: 1 is out of range/);
    expect(() => NNPU_LOSS.resolve({ priors: ['x'] })).toThrow(/priors\[0\]: expected a number/);
    const logits = tf.tensor2d([[0.5, -0.5], [1, 2]]);
    const labels = tf.tensor2d([[1, 0], [0, 1]]);
    const before = tf.memory().numTensors;
    const r = nnpuLoss({ logits, labels }, cfg({ priors: [0.3] }));
    tf.dispose([r.loss, r.perLabel!, ...Object.values(r.parts!)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7, -0.4, 0.9, 0.2, 2.2, -2.5, 1.1];
    const y = [[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    it.each(['sigmoid', 'logistic'] as const)('uncorrected labels: gradient of the unbiased risk (%s)', (surrogate) => {
      const c = cfg({ priors: [0.3, 0.2, 0.4], surrogate });
      expect(nnpu64(rows(x0, 3), y, c.priors, c).descend).toBeCloseTo(nnpu64(rows(x0, 3), y, c.priors, c).unbiased, 12);
      expectGradientMatches((x) => nnpuLoss({ logits: x, labels: tf.tensor2d(y) }, c).loss, (x) => nnpu64(rows(x, 3), y, c.priors, c).descend, x0, [4, 3]);
    });
    it('corrected labels: the step is -gamma * grad(negative risk) (Algorithm 1)', () => {
      // Label 2 has prior 0.9 and confident positives: its negative risk is < 0 and gets corrected.
      const c = cfg({ priors: [0.3, 0.2, 0.9], gamma: 0.5 });
      const ref = nnpu64(rows(x0, 3), y, c.priors, c);
      expect(ref.descend).not.toBeCloseTo(ref.unbiased, 3);
      expectGradientMatches((x) => nnpuLoss({ logits: x, labels: tf.tensor2d(y) }, c).loss, (x) => nnpu64(rows(x, 3), y, c.priors, c).descend, x0, [4, 3]);
    });
  });
});
