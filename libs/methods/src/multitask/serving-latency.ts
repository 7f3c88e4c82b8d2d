import { quantile } from '@workbench/metrics';
import { tf } from '@workbench/tensor';
import type { TokenIds } from '../token-batch.ts';
import type { MultitaskModel } from './multitask-model.ts';

export interface LatencyOptions {
  batchSizes: number[];
  /** Untimed requests first (kernel compilation, allocator warm-up). */
  warmup: number;
  /** Timed requests per batch size. */
  requests: number;
}

export const DEFAULT_LATENCY: LatencyOptions = { batchSizes: [1, 32], warmup: 3, requests: 20 };

export interface LatencyResult {
  models: number;
  tasks: number;
  parameters: number;
  /** Bytes of the models' weights as float32 tensors. */
  weightBytes: number;
  perBatch: { batchSize: number; p50Ms: number; p95Ms: number; meanMs: number; requests: number; /** Every timed request, in order (to pool rounds). */ timesMs: number[] }[];
}

/**
 * Wall time of serving every task for a request of `b` inputs: each model is called one after another (N
 * single-task models) or once (one multi-task model), outputs read back to the CPU (dataSync), as a server
 * would. Inputs are real tokenized test texts, cycled.
 */
export function servingLatency(models: readonly MultitaskModel[], inputs: readonly TokenIds[], options: LatencyOptions = DEFAULT_LATENCY): LatencyResult {
  const perBatch: LatencyResult['perBatch'] = [];
  let offset = 0;
  const request = (b: number): void => {
    const batch = Array.from({ length: b }, (_, i) => inputs[(offset + i) % inputs.length] as TokenIds);
    offset += b;
    for (const m of models) m.predict(batch, [...m.heads.keys()], b);
  };
  for (const b of options.batchSizes) {
    for (let i = 0; i < options.warmup; i++) request(b);
    const times: number[] = [];
    for (let i = 0; i < options.requests; i++) {
      const t0 = performance.now();
      request(b);
      times.push(performance.now() - t0);
    }
    perBatch.push({ ...latencyStats(times), batchSize: b, timesMs: times });
  }
  const parameters = models.reduce((n, m) => n + m.parameterCount(), 0);
  return { models: models.length, tasks: models.reduce((n, m) => n + m.heads.size, 0), parameters, weightBytes: parameters * 4, perBatch };
}

/** p50, p95 and mean of request times (ms), and their count. */
export function latencyStats(times: readonly number[]): { p50Ms: number; p95Ms: number; meanMs: number; requests: number } {
  return { p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), meanMs: times.reduce((a, c) => a + c, 0) / times.length, requests: times.length };
}

/** Bytes held by live tensors now (tfjs's count), for the memory a set of loaded models takes. */
export function liveTensorBytes(): number {
  return tf.memory().numBytes;
}
