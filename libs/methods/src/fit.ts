import { WorkbenchError, type Rng } from '@workbench/core';
import { AdamW, linearScheduleFromRatio, trainStep } from '@workbench/model';
import { tf } from '@workbench/tensor';
import type { OptimConfig } from './cell-config.ts';
import type { MethodEnvironment } from './method.ts';
import { bucketBatchesByLength, type TokenIds } from './token-batch.ts';

export interface FitOptions {
  /** Names the stage in metric keys (`<stage>.train_loss`) and progress lines. */
  stage: string;
  variables: Map<string, tf.Variable>;
  optim: OptimConfig;
  /** The row indices of each batch of an epoch (samplers decide). */
  batches: (epoch: number) => number[][];
  /** The loss of one batch; runs inside the gradient tape (tensors it creates are freed by trainStep). */
  loss: (rows: number[], rng: Rng) => tf.Scalar;
  env: MethodEnvironment;
  /**
   * Length bucketing of the sampler's batches (see bucketBatchesByLength): the token ids of the rows the batches
   * index, the pad id, and the window in batches (0 or absent: the sampler's batches as they are).
   */
  lengthBucketing?: { corpus: readonly TokenIds[]; padId: number; multiplier: number };
  /** After each epoch (evaluation, checkpoints); `epoch` is 1-based. */
  onEpochEnd?: (epoch: number, stats: EpochStats) => Promise<void>;
}

export interface EpochStats {
  epoch: number;
  meanLoss: number;
  meanGradNorm: number;
  seconds: number;
  sequences: number;
  sequencesPerSecond: number;
}

export interface FitResult {
  steps: number;
  epochs: EpochStats[];
}

/**
 * The explicit training loop every method shares: AdamW (decoupled weight decay), linear warm-up/decay over
 * all steps, global-norm clipping, NaN/inf detection (TRAINING_DIVERGED names the step), optional length
 * bucketing of the sampler's batches, per-epoch logging, and a clean stop between steps when the run is interrupted.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { optim, env, stage } = options;
  const optimizer = new AdamW({ lr: optim.lr, weightDecay: optim.weightDecay });
  const rng = env.rng.derive(`fit-${stage}`);
  const bucketing = options.lengthBucketing;
  const plan = Array.from({ length: optim.epochs }, (_, e) => {
    const batches = options.batches(e);
    if (!bucketing || bucketing.multiplier <= 0) return batches;
    // Its own stream: the step streams below stay what they are without bucketing.
    return bucketBatchesByLength(batches, bucketing.corpus, bucketing.padId, bucketing.multiplier, rng.derive(`length-buckets-${e}`).seedInt());
  });
  const totalSteps = plan.reduce((n, b) => n + b.length, 0);
  const epochs: EpochStats[] = [];
  let step = 0;
  try {
    for (let e = 0; e < optim.epochs; e++) {
      const batches = plan[e] as number[][];
      const t0 = performance.now();
      let lossSum = 0;
      let normSum = 0;
      let sequences = 0;
      for (const rows of batches) {
        throwIfAborted(env.signal, `${stage} stopped at step ${step} (epoch ${e + 1})`);
        const stepRng = rng.derive(`step${step}`);
        const r = trainStep(() => options.loss(rows, stepRng), options.variables, optimizer, {
          clipNorm: optim.clipNorm,
          learningRate: optim.lr * linearScheduleFromRatio(step, optim.warmupRatio, totalSteps),
          where: `${stage} (epoch ${e + 1})`,
        });
        step++;
        lossSum += r.loss;
        normSum += r.gradNorm;
        sequences += rows.length;
        env.onProgress?.({ stage, epoch: e + 1, epochs: optim.epochs, step, steps: totalSteps, loss: r.loss });
        // Let signal handlers and loggers run between steps.
        if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const seconds = (performance.now() - t0) / 1000;
      const stats: EpochStats = {
        epoch: e + 1,
        meanLoss: batches.length ? lossSum / batches.length : NaN,
        meanGradNorm: batches.length ? normSum / batches.length : NaN,
        seconds,
        sequences,
        sequencesPerSecond: seconds > 0 ? sequences / seconds : 0,
      };
      epochs.push(stats);
      await env.logger.logMetrics(
        {
          [`${stage}.train_loss`]: stats.meanLoss,
          [`${stage}.grad_norm`]: stats.meanGradNorm,
          [`${stage}.epoch_seconds`]: stats.seconds,
          [`${stage}.sequences_per_second`]: stats.sequencesPerSecond,
        },
        e + 1,
      );
      await options.onEpochEnd?.(e + 1, stats);
    }
  } finally {
    optimizer.dispose();
  }
  return { steps: step, epochs };
}

/** Stops a training loop between steps when the run was interrupted (SIGINT/SIGTERM). */
export function throwIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw new WorkbenchError('INTERRUPTED', `${where} by a signal`);
}
