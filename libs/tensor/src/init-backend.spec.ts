import * as tf from '@tensorflow/tfjs';
import { WorkbenchError } from '@workbench/core';
import { currentBackend, initBackend, parseBackendName } from './init-backend.ts';

describe('initBackend', () => {
  it('without a forced choice picks wasm here, with SIMD, and says why the native backend is absent', async () => {
    const info = await initBackend({ env: {} });
    // The native packages cannot install on these machines; where they can, this test documents the order.
    const native = info.attempts.filter((a) => a.backend === 'tensorflow');
    expect(native.map((a) => a.package)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].slice(0, native.length));
    if (info.name === 'wasm') {
      expect(info.simd).toBe(true);
      expect(info.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
      expect(info.attempts.find((a) => a.package === '@tensorflow/tfjs-node')?.reason).toMatch(/^not installed \(an optionalDependency/);
      expect(info.kernelFixes).toHaveLength(4);
    }
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(currentBackend()).toBe(info);
  });

  it('WORKBENCH_BACKEND=cpu forces cpu', async () => {
    const info = await initBackend({ env: { WORKBENCH_BACKEND: 'cpu' } });
    expect(info.name).toBe('cpu');
    expect(info.forced).toBe(true);
    expect(info.reason).toBe('forced by WORKBENCH_BACKEND=cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a bogus WORKBENCH_BACKEND fails with the valid values', async () => {
    await expect(initBackend({ env: { WORKBENCH_BACKEND: 'bogus' } })).rejects.toThrow(
      "WORKBENCH_BACKEND: invalid backend 'bogus'; valid values: tensorflow, wasm, cpu",
    );
    expect(() => parseBackendName('wsam', '--backend')).toThrow(/did you mean 'wasm'/);
  });

  it('a forced backend that cannot load fails naming the package and the reason, with no fallback', async () => {
    const before = tf.getBackend();
    let err: unknown;
    try {
      await initBackend({ env: { WORKBENCH_BACKEND: 'tensorflow' } });
    } catch (e) {
      err = e;
    }
    if (err === undefined) return; // a machine with the native binding installed
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as Error).message).toMatch(/backend 'tensorflow' cannot be loaded: @tensorflow\/tfjs-node-gpu: .*; @tensorflow\/tfjs-node: not installed/);
    expect(tf.getBackend()).toBe(before);
  });
});
