import { WorkbenchError } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
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
});
