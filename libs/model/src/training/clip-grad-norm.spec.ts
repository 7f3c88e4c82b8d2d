import { tf, useBackend } from '@workbench/tensor';
import { clipByGlobalNorm, globalGradNorm } from './clip-grad-norm.ts';

describe('global-norm clipping', () => {
  beforeAll(() => useBackend('cpu'));

  it('returns the pre-clip norm and scales every gradient by maxNorm / (norm + 1e-6) as torch clip_grad_norm_', () => {
    const before = tf.memory().numTensors;
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor2d([[0, 4]])],
    ]);
    expect(globalGradNorm(grads)).toBeCloseTo(5, 6);
    const { norm, grads: clipped } = clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    const coef = 1 / (5 + 1e-6);
    expect(Array.from(clipped.get('a')?.dataSync() ?? [])).toEqual([expect.closeTo(3 * coef, 6), 0]);
    expect(Array.from(clipped.get('b')?.dataSync() ?? [])).toEqual([0, expect.closeTo(4 * coef, 6)]);
    expect(globalGradNorm(clipped)).toBeCloseTo(1, 5);
    tf.dispose([...clipped.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves gradients under the limit untouched', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([0.3, 0.4])]]);
    const out = clipByGlobalNorm(grads, 1);
    expect(out.norm).toBeCloseTo(0.5, 6);
    expect(out.grads.get('a')).toBe(grads.get('a'));
    tf.dispose([...out.grads.values()]);
  });
});
