import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { expectGradientMatches, rows, scalarValue, sigmoid64, values } from '../test/grad-check.ts';
import { DEFAULT_DISTILLATION, DISTILLATION_LOSS, distillationLoss } from './distillation-loss.ts';

function softmax64(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

// float64 reference: T^2 * mean over rows of KL(teacher || student), softmax across labels or per-label Bernoulli.
function kd64(student: number[][], teacher: number[][], T: number, form: string): number {
  let total = 0;
  student.forEach((row, b) => {
    const t = teacher[b]!.map((v) => v / T);
    const s = row.map((v) => v / T);
    if (form === 'softmax') {
      const q = softmax64(t);
      const p = softmax64(s);
      total += q.reduce((a, qi, l) => a + qi * Math.log(qi / p[l]!), 0);
    } else {
      total += t.reduce((a, tl, l) => {
        const q = sigmoid64(tl);
        const p = sigmoid64(s[l]!);
        return a + q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p));
      }, 0);
    }
  });
  return (T * T * total) / student.length;
}

describe('distillation', () => {
  beforeAll(async () => useBackend('cpu'));

  it('hand-checked: T = 1, teacher [0, ln 3] (q = [1/4, 3/4]) vs student [0, 0] (p = [1/2, 1/2])', () => {
    // KL = 1/4 ln(1/2) + 3/4 ln(3/2) = -0.173287 + 0.304099 = 0.130812
    const r = distillationLoss({ logits: tf.tensor2d([[0, 0]]), teacherLogits: tf.tensor2d([[0, Math.log(3)]]) }, { ...DEFAULT_DISTILLATION, temperature: 1 });
    expect(scalarValue(r.loss)).toBeCloseTo(0.130812, 5);
    expect(values(r.perLabel!)).toEqual([expect.closeTo(-0.173287, 5), expect.closeTo(0.304099, 5)]);
  });

  it('is 0 when the student equals the teacher (softmax and sigmoid forms)', () => {
    const z = tf.tensor2d([[1, -2, 0.5], [3, 0, -1]]);
    for (const form of ['softmax', 'sigmoid'] as const) {
      const r = distillationLoss({ logits: z, teacherLogits: z }, { ...DEFAULT_DISTILLATION, form });
      expect(Math.abs(scalarValue(r.loss))).toBeLessThan(1e-5);
      r.perLabel!.dispose();
    }
    z.dispose();
  });

  it('matches the float64 reference at T = 20 (AAD) and T = 2, both forms', () => {
    const s = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.7]];
    const t = [[2.0, -3.0, 0.5], [-1.0, 4.0, 0.2]];
    for (const temperature of [20, 2]) {
      for (const form of ['softmax', 'sigmoid'] as const) {
        const r = distillationLoss({ logits: tf.tensor2d(s), teacherLogits: tf.tensor2d(t) }, DISTILLATION_LOSS.resolve({ temperature, form }));
        expect(scalarValue(r.loss)).toBeCloseTo(kd64(s, t, temperature, form), 4);
        r.perLabel!.dispose();
      }
    }
  });

  it('never differentiates the teacher; leaks nothing; checks config', () => {
    const s = tf.tensor2d([[0.3, -1.2]]);
    const t = tf.tensor2d([[2.0, -3.0]]);
    const before = tf.memory().numTensors;
    const [gs, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => distillationLoss({ logits: a, teacherLogits: b }).loss)([s, t]);
    expect(values(gt!)).toEqual([0, 0]);
    expect(values(gs!).some((v) => v !== 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s, t]);
    expect(() => DISTILLATION_LOSS.resolve({ temperature: 0 })).toThrow(/temperature: 0 is out of range/);
    expect(() => DISTILLATION_LOSS.resolve({ form: 'softmx' })).toThrow(/did you mean 'softmax'/);
  });

  describe.each(TEST_BACKENDS)('gradient on %s', (backend) => {
    beforeAll(async () => useBackend(backend));
    const t = [[2.0, -3.0, 0.5], [-1.0, 4.0, 0.2]];
    const x0 = [0.3, -1.2, 2.0, 1.5, 0.1, -0.7];
    it.each([['softmax', 20], ['softmax', 2], ['sigmoid', 20], ['sigmoid', 2]] as const)('%s form, T = %d', (form, temperature) => {
      const cfg = { ...DEFAULT_DISTILLATION, form, temperature };
      expectGradientMatches((x) => distillationLoss({ logits: x, teacherLogits: tf.tensor2d(t) }, cfg).loss, (x) => kd64(rows(x, 3), t, temperature, form), x0, [2, 3]);
    });
  });
});
