import { isWorkbenchError } from '@workbench/core';
import { tf, TEST_BACKENDS, useBackend } from '@workbench/tensor';
import { AdamW } from './adamw.ts';
import { trainStep } from './train-step.ts';

/** A tiny least-squares model: loss = mean((x w + b - y)^2). */
function linearProblem(name: string): { vars: Map<string, tf.Variable>; x: tf.Tensor2D; y: tf.Tensor2D; loss: (rows?: [number, number]) => tf.Scalar; dispose: () => void } {
  const w = tf.variable(tf.tensor2d([[0.1], [-0.2], [0.3]]), true, `${name}/w`);
  const b = tf.variable(tf.tensor1d([0]), true, `${name}/b`);
  const x = tf.tensor2d([[1, 2, 3], [0, 1, 0], [2, -1, 1], [1, 1, 1], [3, 0, -2], [0.5, 0.5, 2], [-1, 2, 0], [2, 2, 2]]);
  const y = tf.tensor2d([[1], [0], [2], [1], [-1], [0.5], [3], [2]]);
  const loss = (rows?: [number, number]): tf.Scalar =>
    tf.tidy(() => {
      const xs = rows ? x.slice([rows[0], 0], [rows[1] - rows[0], 3]) : x;
      const ys = rows ? y.slice([rows[0], 0], [rows[1] - rows[0], 1]) : y;
      return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(xs, w), b), ys))) as tf.Scalar;
    });
  return { vars: new Map<string, tf.Variable>([['dense.weight', w], ['dense.bias', b]]), x, y, loss, dispose: () => tf.dispose([w, b, x, y]) };
}

describe.each(TEST_BACKENDS)('trainStep on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('returns loss and pre-clip gradient norm, and leaks no tensor across 50 steps', () => {
    const p = linearProblem(`ts-leak-${backend}`);
    const opt = new AdamW({ lr: 0.05 });
    const first = trainStep(() => p.loss(), p.vars, opt, { clipNorm: 1 });
    expect(first.step).toBe(1);
    expect(first.gradNorm).toBeGreaterThan(1); // so the clipping branch ran
    const live = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 50; i++) {
      last = trainStep(() => p.loss(), p.vars, opt, { clipNorm: 1 });
      expect(tf.memory().numTensors).toBe(live);
    }
    expect(last.step).toBe(51);
    expect(last.loss).toBeLessThan(first.loss);
    opt.dispose();
    p.dispose();
  });

  it('gradient accumulation over 2 micro-batches equals one step on the whole batch', () => {
    const a = linearProblem(`ts-acc-a-${backend}`);
    const b = linearProblem(`ts-acc-b-${backend}`);
    const optA = new AdamW({ lr: 0.1 });
    const optB = new AdamW({ lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      const whole = trainStep(() => a.loss(), a.vars, optA, { clipNorm: 0.5 });
      const micro = trainStep([() => b.loss([0, 4]), () => b.loss([4, 8])], b.vars, optB, { clipNorm: 0.5 });
      expect(micro.loss).toBeCloseTo(whole.loss, 5);
      expect(micro.gradNorm).toBeCloseTo(whole.gradNorm, 5);
    }
    for (const name of ['dense.weight', 'dense.bias']) {
      const wa = a.vars.get(name)?.dataSync() as Float32Array;
      const wb = b.vars.get(name)?.dataSync() as Float32Array;
      wa.forEach((v, i) => expect(Math.abs(v - (wb[i] as number))).toBeLessThan(1e-6));
    }
    optA.dispose();
    optB.dispose();
    a.dispose();
    b.dispose();
  });

  it('a NaN loss raises TRAINING_DIVERGED naming the step, before any weight moves', () => {
    const p = linearProblem(`ts-nan-${backend}`);
    const opt = new AdamW({ lr: 0.1 });
    trainStep(() => p.loss(), p.vars, opt);
    const weightsBefore = Array.from(p.vars.get('dense.weight')?.dataSync() ?? []);
    const live = tf.memory().numTensors;
    let err: unknown;
    try {
      trainStep(() => tf.tidy(() => tf.mul(p.loss(), Number.NaN) as tf.Scalar), p.vars, opt, { where: 'unit-test run' });
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err) && err.code).toBe('TRAINING_DIVERGED');
    expect((err as Error).message).toMatch(/loss is NaN at step 2 of unit-test run/);
    expect(Array.from(p.vars.get('dense.weight')?.dataSync() ?? [])).toEqual(weightsBefore);
    expect(opt.step).toBe(1);
    expect(tf.memory().numTensors).toBe(live);
    expect(() => trainStep(() => tf.tidy(() => tf.div(p.loss(), 0) as tf.Scalar), p.vars, opt)).toThrow(/loss is Infinity at step 2/);
    opt.dispose();
    p.dispose();
  });
});
