import { IGNORE_INDEX } from '@workbench/model';
import { tf } from '@workbench/tensor';
import type { Rng, RunLogger } from '@workbench/core';
import { fit, type FitResult } from '../fit.ts';
import type { MethodEnvironment, Progress } from '../method.ts';
import { makeTokenBatch } from '../token-batch.ts';
import { epochBatches, type TaskBatch } from './mixed-batches.ts';
import type { EncodedSplit } from './multitask-backbone.ts';
import type { MultitaskConfig } from './multitask-config.ts';
import type { MultitaskModel } from './multitask-model.ts';
import type { ResolvedTask, TaskTargets } from './task-data.ts';

export interface TrainMultitaskOptions {
  model: MultitaskModel;
  /** The tasks this model trains on (a subset of its heads for nothing: single-task models have one head). */
  tasks: ResolvedTask[];
  encoded: EncodedSplit;
  targets: Map<string, TaskTargets>;
  config: MultitaskConfig;
  rng: Rng;
  logger: RunLogger;
  stage: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Trains a model on its tasks with the shared loop (`fit`: AdamW, warm-up/decay, clipping, divergence checks):
 * batches from `epochBatches`, loss = sum over the batch's tasks of weight_t x loss_t on the rows labelled for t
 * (cross-entropy for classes and tags, tags only on each word's first sub-token; binary cross-entropy for labels).
 */
export async function trainMultitask(o: TrainMultitaskOptions): Promise<FitResult> {
  const { model, tasks, encoded, targets, config } = o;
  const rowsPerTask = new Map(tasks.map((t) => [t.name, [...(targets.get(t.name) as TaskTargets).has.keys()].filter((i) => (targets.get(t.name) as TaskTargets).has[i])]));
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const tokenLabels = new Map(tasks.filter((t) => t.type === 'token-tagging').map((t) => [t.name, alignTags(targets.get(t.name) as TaskTargets, encoded)]));
  // fit takes row lists; each list is mapped back to its batch (and so its tasks) by identity.
  const tasksOf = new WeakMap<number[], TaskBatch>();
  const batchRng = o.rng.derive('batches');
  // fit reads only rng, logger, signal and onProgress of its environment; the cell config is DALLMi's.
  const env = { rng: o.rng, logger: o.logger, signal: o.signal, onProgress: o.onProgress } as unknown as MethodEnvironment;
  return fit({
    stage: o.stage,
    variables: model.variables(),
    optim: config.optim,
    batches: (e) =>
      epochBatches(rowsPerTask, config.optim.batchSize, config.sampling, batchRng.derive(`epoch${e}`)).map((b) => {
        tasksOf.set(b.rows, b);
        return b.rows;
      }),
    env,
    loss: (rows) => batchLoss(model, tasksOf.get(rows) as TaskBatch, byName, targets, tokenLabels, encoded),
  });
}

function batchLoss(model: MultitaskModel, batch: TaskBatch, byName: Map<string, ResolvedTask>, targets: Map<string, TaskTargets>, tokenLabels: Map<string, Int32Array[]>, encoded: EncodedSplit): tf.Scalar {
  const { inputIds, attentionMask } = makeTokenBatch(encoded.ids, batch.rows, model.padId);
  const seq = inputIds.shape[1];
  const logits = model.logits(inputIds, attentionMask, batch.tasks, true);
  let total: tf.Scalar = tf.scalar(0);
  for (const name of batch.tasks) {
    const task = byName.get(name) as ResolvedTask;
    const t = targets.get(name) as TaskTargets;
    const keep = batch.rows.map((r, i) => (t.has[r] ? i : -1)).filter((i) => i >= 0);
    if (keep.length === 0) continue;
    const head = model.head(name);
    const own = tf.gather(logits.get(name) as tf.Tensor, keep);
    const rows = keep.map((i) => batch.rows[i] as number);
    let y: tf.Tensor;
    if (task.type === 'multi-class') {
      y = tf.tensor1d(rows.map((r) => (t.classes as Int32Array)[r] as number), 'int32');
    } else if (task.type === 'multi-label') {
      const L = task.labels.length;
      y = tf.tensor2d(rows.flatMap((r) => Array.from((t.multiHot as Float32Array).subarray(r * L, (r + 1) * L))), [rows.length, L]);
    } else {
      const labels = tokenLabels.get(name) as Int32Array[];
      const data = new Int32Array(rows.length * seq).fill(IGNORE_INDEX);
      rows.forEach((r, i) => data.set(labels[r] as Int32Array, i * seq));
      y = tf.tensor2d(data, [rows.length, seq], 'int32');
    }
    total = total.add(head.loss(own, y).mul(task.weight));
  }
  return total;
}

/** Token-level tag ids: the word's tag on its first sub-token, IGNORE_INDEX on the others and on specials. */
export function alignTags(t: TaskTargets, encoded: EncodedSplit): Int32Array[] {
  return encoded.ids.map((ids, i) => {
    const out = new Int32Array(ids.length).fill(IGNORE_INDEX);
    const starts = (encoded.wordStarts as Int32Array[])[i] as Int32Array;
    const tags = (t.wordTags as number[][])[i] ?? [];
    starts.forEach((k, w) => {
      if (k >= 0 && tags[w] !== undefined) out[k] = tags[w] as number;
    });
    return out;
  });
}
