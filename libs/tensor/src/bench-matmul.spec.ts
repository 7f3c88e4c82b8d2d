import * as tf from '@tensorflow/tfjs';
import { initBackend } from './init-backend.ts';
import { benchMatmul, median } from './bench-matmul.ts';

describe('benchMatmul', () => {
  it('reports the four variants with consistent figures and leaks nothing', async () => {
    await initBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const r = benchMatmul({ size: 64, runs: 3, warmup: 1 });
    expect(r.map((x) => x.variant)).toEqual(['plain', 'transposeA', 'transposeB', 'transposeAB']);
    for (const x of r) {
      expect(x.timesMs).toHaveLength(3);
      expect(x.medianMs).toBe(median(x.timesMs));
      expect(x.gflops).toBeCloseTo((2 * 64 ** 3) / (x.medianMs * 1e6), 9);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('median of odd and even lengths', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
