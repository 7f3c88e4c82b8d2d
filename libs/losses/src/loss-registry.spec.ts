import { WorkbenchError } from '@workbench/core';
import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { LOSSES, createLoss } from './loss-registry.ts';
import type { LossInputs } from './loss-types.ts';

/** One input bag every registered loss can read. */
function allInputs(): LossInputs {
  return {
    logits: tf.tensor2d([[0.3, -1.2, 2.0], [1.5, 0.1, -0.7], [-0.4, 0.9, 0.2]]),
    labels: tf.tensor2d([[1, 0, 1], [0, 1, 0], [0, 0, 0]]),
    mixedLogits: tf.tensor1d([0.2, -0.3]),
    targets: tf.tensor1d([0.9, 0.7]),
    teacherLogits: tf.tensor2d([[1, 0, -1], [0, 2, 0], [1, 1, 1]]),
    domainLogits: tf.tensor1d([0.5, -0.5, 1]),
    domainLabels: tf.tensor1d([1, 0, 0]),
  };
}

/** The config each loss needs beyond its defaults. */
const EXTRA: Record<string, Record<string, unknown>> = { nnpu: { priors: [0.3] } };

describe('loss registry', () => {
  beforeAll(async () => useBackend('cpu'));

  it('lists every loss of the issue', () => {
    expect(LOSSES.names()).toEqual(['assume-negative-bce', 'bce', 'dallmi-norm', 'distillation', 'domain-adversarial', 'entropy', 'mixup', 'nnpu', 'vpu']);
  });

  it('unknown names and keys fail with the valid ones, a did-you-mean and where', () => {
    expect(() => createLoss('dallmi-nrom', undefined, { source: '--set loss.name' })).toThrow(
      /--set loss.name: unknown loss 'dallmi-nrom' \(did you mean 'dallmi-norm'\?\); valid: assume-negative-bce, bce, dallmi-norm/,
    );
    try {
      createLoss('mixup', { pairng: 'vpu' }, { path: 'method.mixup' });
      throw new Error('no error');
    } catch (e) {
      expect((e as WorkbenchError).code).toBe('CONFIG_UNKNOWN_KEY');
      expect((e as Error).message).toBe("method.mixup.pairng: unknown key 'pairng' (did you mean 'pairing'?)");
    }
  });

  it.each(LOSSES.names())('%s: defaults resolve to themselves, every required input is honoured, a finite differentiable scalar, no leak', (name) => {
    const definition = LOSSES.get(name);
    expect(definition.name).toBe(name);
    expect(definition.resolve(undefined)).toEqual(definition.defaults);
    const loss = createLoss(name, EXTRA[name]);
    const inputs = allInputs();
    const before = tf.memory().numTensors;
    const result = loss.compute(inputs);
    const value = result.loss.dataSync()[0] as number;
    expect(result.loss.rank).toBe(0);
    expect(Number.isFinite(value)).toBe(true);
    if (result.perLabel) expect(Array.from(result.perLabel.dataSync()).reduce((a, v) => a + v, 0)).toBeCloseTo(value, 5);
    tf.dispose([result.loss, result.perLabel ?? [], ...Object.values(result.parts ?? {})]);
    expect(tf.memory().numTensors).toBe(before);
    // Differentiable in its first input (logits, mixed logits or domain logits), with a finite, non-zero gradient.
    const first = definition.requiredInputs[0]!;
    const grad = tf.grad((x: tf.Tensor) => loss.compute({ ...inputs, [first]: x }).loss)(inputs[first]!);
    const g = Array.from(grad.dataSync());
    grad.dispose();
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // Every required input is needed: dropping one fails with its name.
    for (const input of definition.requiredInputs) {
      expect(() => loss.compute({ ...inputs, [input]: undefined })).toThrow(new RegExp(`needs the input '${input}'`));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(inputs));
  });

  it.each(LOSSES.names())('%s: the same value and gradient on every backend at a realistic size (B = 64, L = 20)', async (name) => {
    const rng = createRng(`losses-${name}`);
    const B = 64;
    const L = 20;
    const matrix = (f: () => number): number[][] => Array.from({ length: B }, () => Array.from({ length: L }, f));
    const logits = matrix(() => rng.normal(0, 3));
    const labels = matrix(() => (rng.next() < 0.1 ? 1 : 0));
    const teacher = matrix(() => rng.normal(0, 3));
    const domain = Array.from({ length: B }, () => rng.normal(0, 2));
    const results: { value: number; grad: number[] }[] = [];
    for (const backend of TEST_BACKENDS) {
      await useBackend(backend);
      const inputs: LossInputs = {
        logits: tf.tensor2d(logits),
        labels: tf.tensor2d(labels),
        mixedLogits: tf.tensor1d(logits.map((r) => r[0]!).slice(0, L)),
        targets: tf.tensor1d(logits.map((r) => 1 / (1 + Math.exp(-r[1]!))).slice(0, L)),
        teacherLogits: tf.tensor2d(teacher),
        domainLogits: tf.tensor1d(domain),
        domainLabels: tf.tensor1d(domain.map((_, i) => i % 2)),
      };
      const loss = createLoss(name, EXTRA[name]);
      const first = LOSSES.get(name).requiredInputs[0]!;
      const { value, grad: grads } = tf.valueAndGrad((x: tf.Tensor) => loss.compute({ ...inputs, [first]: x }).loss)(inputs[first]!);
      results.push({ value: value.dataSync()[0] as number, grad: Array.from(grads.dataSync()) });
      tf.dispose([value, grads, ...Object.values(inputs)]);
    }
    const [a, b] = results as [{ value: number; grad: number[] }, { value: number; grad: number[] }];
    expect(Number.isFinite(a.value)).toBe(true);
    expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a.value)));
    const scale = Math.max(...a.grad.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    a.grad.forEach((g, i) => expect(Math.abs(g - b.grad[i]!)).toBeLessThanOrEqual(1e-5 * scale));
    await useBackend('cpu');
  });
});
