import * as tf from '@tensorflow/tfjs';

export interface MatmulBenchOptions {
  /** Square size n of the n x n x n product (default 1024). */
  size?: number;
  /** Timed runs per variant (default 7); the median is reported. */
  runs?: number;
  /** Untimed runs first (default 2): JIT, XNNPACK operator creation, weight packing. */
  warmup?: number;
}

export interface MatmulBenchResult {
  variant: 'plain' | 'transposeA' | 'transposeB' | 'transposeAB';
  transposeA: boolean;
  transposeB: boolean;
  size: number;
  runs: number;
  medianMs: number;
  /** 2 n^3 / median time. */
  gflops: number;
  /** Every timed run, ms. */
  timesMs: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const VARIANTS = [
  ['plain', false, false],
  ['transposeA', true, false],
  ['transposeB', false, true],
  ['transposeAB', true, true],
] as const;

/** GFLOP/s of a float32 n x n x n matmul on the active backend, plain and with each transpose flag. */
export function benchMatmul(options: MatmulBenchOptions = {}): MatmulBenchResult[] {
  const n = options.size ?? 1024;
  const runs = options.runs ?? 7;
  const warmup = options.warmup ?? 2;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  try {
    return VARIANTS.map(([variant, ta, tb]) => {
      const once = (): number => {
        const t0 = performance.now();
        const c = tf.matMul(a, b, ta, tb);
        c.dataSync(); // forces the computation on async backends
        const dt = performance.now() - t0;
        c.dispose();
        return dt;
      };
      for (let i = 0; i < warmup; i++) once();
      const timesMs = Array.from({ length: runs }, once);
      const medianMs = median(timesMs);
      return { variant, transposeA: ta, transposeB: tb, size: n, runs, medianMs, gflops: (2 * n ** 3) / (medianMs * 1e6), timesMs };
    });
  } finally {
    tf.dispose([a, b]);
  }
}
