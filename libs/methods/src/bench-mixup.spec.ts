import { withSparseTape } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { benchMixupOverhead } from './bench-mixup.ts';

describe('benchMixupOverhead', () => {
  it('times a plain and a DALLMi step on the same model, mixing one row per label, without leaks', async () => {
    await useBackend('wasm');
    withSparseTape(() => undefined); // its anchor variable is created once per process
    const before = tf.memory().numTensors;
    const r = benchMixupOverhead({ preset: 'tiny', labels: 4, batch: 8, seq: 16, vocab: 64, runs: 1, warmup: 0 });
    expect(r.mixedRows).toBe(4);
    expect(r.plainMs).toBeGreaterThan(0);
    expect(r.dallmiMs).toBeGreaterThan(0);
    // One pair: the median pair ratio is that pair's ratio.
    expect(r.overhead).toBeCloseTo(r.dallmiMs / r.plainMs - 1, 10);
    expect(r.cpuOverhead).toBeCloseTo(r.dallmiCpuMs / r.plainCpuMs - 1, 10);
    expect(r.plainCpuMs).toBeGreaterThan(0);
    expect(r.wasmHeapBytes).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
