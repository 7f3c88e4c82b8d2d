import { Rng } from '@workbench/core';
import { currentBackend, median, tf } from '@workbench/tensor';
import { AdamW } from '../training/adamw.ts';
import { trainStep as workbenchTrainStep } from '../training/train-step.ts';
import { parameterCount } from './parameter-specs.ts';
import { TransformerEncoder } from './transformer-encoder.ts';
import type { TransformerConfig } from './transformer-config.ts';

export interface TransformerBenchOptions {
  layers?: number;
  hidden?: number;
  heads?: number;
  ffn?: number;
  vocab?: number;
  batch?: number;
  seq?: number;
  /** Labels of the multi-label BCE head the train step optimises. */
  labels?: number;
  /** Timed runs (the median is reported) after `warmup` untimed ones. */
  runs?: number;
  warmup?: number;
  seed?: number;
  /** Also profile one train step per kernel (adds one step). */
  profile?: boolean;
  /** Also time a 1024^3 matmul, to show how busy the machine was (adds ~0.3 s idle). */
  calibrate?: boolean;
}

/** The `workbench bench model` defaults: the BERT-mini shape of the probe in ENVIRONMENT.md. */
export const DEFAULT_TRANSFORMER_BENCH: Required<TransformerBenchOptions> = {
  layers: 2,
  hidden: 256,
  heads: 4,
  ffn: 1024,
  vocab: 30522,
  batch: 16,
  seq: 128,
  labels: 8,
  runs: 5,
  warmup: 1,
  seed: 0,
  profile: true,
  calibrate: true,
};

/** One optimiser over named variables: applies the gradients of `loss` and returns the loss value. */
export interface BenchOptimizer {
  readonly name: string;
  step(loss: () => tf.Scalar, variables: Map<string, tf.Variable>): number;
  dispose(): void;
}

/**
 * The training step every method runs (`trainStep`): gradients with the low-memory backward pass, NaN check,
 * global-norm clipping and the workbench AdamW (decoupled weight decay, HF's no-decay rule). The default.
 */
export function workbenchAdamW(lr = 1e-4, clipNorm = 1): BenchOptimizer {
  const opt = new AdamW({ lr });
  return {
    name: `AdamW (workbench trainStep: weight decay ${opt.config.weightDecay}, clip ${clipNorm})`,
    step: (loss, variables) => workbenchTrainStep(loss, variables, opt, { clipNorm }).loss,
    dispose: () => opt.dispose(),
  };
}

/** tfjs's Adam (no weight decay, no clipping, tfjs's own backward pass): for comparison. */
export function tfjsAdam(lr = 1e-4): BenchOptimizer {
  const opt = tf.train.adam(lr);
  return {
    name: 'tf.train.adam (tfjs Adam, no weight decay)',
    step: (loss, variables) => tf.tidy(() => (opt.minimize(loss, true, [...variables.values()]) as tf.Scalar).dataSync()[0] as number),
    dispose: () => opt.dispose(),
  };
}

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

export interface TransformerBenchResult {
  backend: string;
  simd: boolean | null;
  config: Required<TransformerBenchOptions>;
  parameters: number;
  optimizer: string;
  /** Forward + backward + optimizer update of one batch (median and every timed run). */
  trainStepMs: number;
  trainStepRunsMs: number[];
  /** Median CPU time of this process (user + system) per train step / inference batch: the figure to compare on a busy machine. */
  trainStepCpuMs: number;
  inferenceCpuMs: number;
  /** Forward pass (eval mode) of one batch to logits. */
  inferenceMs: number;
  inferenceRunsMs: number[];
  trainSequencesPerSecond: number;
  trainTokensPerSecond: number;
  inferenceSequencesPerSecond: number;
  inferenceTokensPerSecond: number;
  /** 1024^3 float32 matmul GFLOP/s measured in the same process: how loaded the machine was (null: not measured). */
  matmulGflops: number | null;
  /** Per-kernel wall time of one profiled train step, largest first (when `profile`). */
  kernels?: KernelTime[];
  /** Time of the word-embedding gradient (UnsortedSegmentSum into a dense [vocab, hidden] tensor) in that step. */
  embeddingGradientMs?: number;
}

/**
 * Times a BERT-style encoder with a multi-label BCE head on random token ids (all positions real): the median
 * train step (forward + backward + optimizer update, loss read back; by default the methods' own step with
 * AdamW, see workbenchAdamW) and the median inference batch.
 * Nothing leaks: every tensor is freed before returning.
 */
export async function benchTransformer(options: TransformerBenchOptions = {}, makeOptimizer: () => BenchOptimizer = () => workbenchAdamW()): Promise<TransformerBenchResult> {
  const o = { ...DEFAULT_TRANSFORMER_BENCH, ...options };
  const config: TransformerConfig = {
    numLayers: o.layers,
    hiddenSize: o.hidden,
    numHeads: o.heads,
    intermediateSize: o.ffn,
    vocabSize: o.vocab,
    maxPositions: Math.max(512, o.seq),
    seed: o.seed,
  };
  const encoder = TransformerEncoder.create(undefined, config);
  const rng = new Rng(o.seed, 'bench-transformer');
  const ids = Int32Array.from({ length: o.batch * o.seq }, () => 1 + rng.int(o.vocab - 1));
  const labelValues = Float32Array.from({ length: o.batch * o.labels }, () => rng.int(2));
  const inputIds = tf.tensor2d(ids, [o.batch, o.seq], 'int32');
  const attentionMask = tf.ones([o.batch, o.seq], 'int32') as tf.Tensor2D;
  const labels = tf.tensor2d(labelValues, [o.batch, o.labels]);
  const kernel = tf.variable(tf.randomNormal([o.hidden, o.labels], 0, 0.02, 'float32', o.seed), true, `bench-head-${Date.now()}-${o.seed}/weight`);
  const bias = tf.variable(tf.zeros([o.labels]), true, `bench-head-${Date.now()}-${o.seed}/bias`);
  const variables = new Map([...encoder.variables(), ['classifier.weight', kernel], ['classifier.bias', bias]]);
  const optimizer = makeOptimizer();
  const logits = (training: boolean): tf.Tensor2D =>
    tf.fused.matMul({ a: encoder.forward({ inputIds, attentionMask, training }).poolerOutput, b: kernel, bias }) as tf.Tensor2D;
  const loss = (): tf.Scalar => tf.tidy(() => tf.losses.sigmoidCrossEntropy(labels, logits(true)) as tf.Scalar);
  const trainStep = (): number => optimizer.step(loss, variables);
  const inference = (): void => {
    tf.tidy(() => logits(false).dataSync());
  };
  // Wall time and this process's CPU time: on a shared machine the CPU time (the work done, however often the
  // process was scheduled) is the comparable figure; wasm runs on one thread, so the two agree on an idle machine.
  const cpuRuns = { train: [] as number[], inference: [] as number[] };
  const time = (fn: () => unknown, cpu?: number[]): number => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu?.push((c.user + c.system) / 1000);
    return wall;
  };
  try {
    for (let i = 0; i < o.warmup; i++) {
      trainStep();
      inference();
    }
    const trainRuns: number[] = [];
    const inferRuns: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      trainRuns.push(time(trainStep, cpuRuns.train));
      inferRuns.push(time(inference, cpuRuns.inference));
    }
    let kernels: KernelTime[] | undefined;
    let embeddingGradientMs: number | undefined;
    if (o.profile) {
      const info = await tf.profile(() => {
        trainStep();
      });
      const byName = new Map<string, KernelTime>();
      for (const k of info.kernels) {
        // tf.profile also lists op scopes ('fusedMatMul__op', 'unnamed scope') whose time includes their kernels.
        if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
        const entry = byName.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
        entry.ms += Number(k.kernelTimeMs) || 0;
        entry.calls += 1;
        byName.set(k.name, entry);
      }
      kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
      embeddingGradientMs = byName.get('UnsortedSegmentSum')?.ms;
    }
    const matmulGflops = o.calibrate ? calibrationGflops() : null;
    const backend = currentBackend();
    const trainStepMs = median(trainRuns);
    const inferenceMs = median(inferRuns);
    return {
      backend: backend?.name ?? tf.getBackend(),
      simd: backend?.simd ?? null,
      config: o,
      parameters: parameterCount(encoder.config as Required<TransformerConfig>) + o.hidden * o.labels + o.labels,
      optimizer: optimizer.name,
      trainStepMs,
      trainStepRunsMs: trainRuns,
      inferenceMs,
      inferenceRunsMs: inferRuns,
      trainStepCpuMs: median(cpuRuns.train),
      inferenceCpuMs: median(cpuRuns.inference),
      trainSequencesPerSecond: (o.batch * 1000) / trainStepMs,
      trainTokensPerSecond: (o.batch * o.seq * 1000) / trainStepMs,
      inferenceSequencesPerSecond: (o.batch * 1000) / inferenceMs,
      inferenceTokensPerSecond: (o.batch * o.seq * 1000) / inferenceMs,
      matmulGflops,
      ...(kernels ? { kernels } : {}),
      ...(embeddingGradientMs !== undefined ? { embeddingGradientMs } : {}),
    };
  } finally {
    optimizer.dispose();
    encoder.dispose();
    tf.dispose([inputIds, attentionMask, labels, kernel, bias]);
  }
}

/** GFLOP/s of a plain 1024^3 float32 matmul right now (median of 3 after a warm-up): how busy the machine is. */
function calibrationGflops(n = 1024): number {
  const [a, b] = [tf.randomNormal([n, n], 0, 1, 'float32', 1), tf.randomNormal([n, n], 0, 1, 'float32', 2)];
  try {
    const runs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      tf.tidy(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).dataSync());
      if (i > 0) runs.push(performance.now() - t0);
    }
    return (2 * n ** 3) / (median(runs) * 1e6);
  } finally {
    tf.dispose([a, b]);
  }
}
