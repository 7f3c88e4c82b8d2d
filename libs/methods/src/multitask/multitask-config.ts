import { WorkbenchError, resolveConfig, type ErrorLocation, type TaskType } from '@workbench/core';
import type { PoolingName } from './sequence-pooling.ts';

/** One task of a multi-task model: a task of the dataset card, optionally restated (checked against the card). */
export interface TaskConfig {
  /** The card's task name. */
  name: string;
  /** If given, must equal the card's type. */
  type?: TaskType;
  /** If given, the label set the model predicts: every label must be in the card and occur in the training data. */
  labels?: string[];
  /** Weight of this task's loss in the joint objective (MASSIVE's recipe: intent 1, slots 4). */
  weight?: number;
}

/** How training batches are formed across tasks. */
export interface SamplingConfig {
  /**
   * 'mixed': every batch holds one task, drawn by `ratio` (MT-DNN style; works when tasks label different rows).
   * 'joint': every batch holds rows, and every task labelled on them contributes its weighted loss
   * (loss = sum_t w_t CE_t: joint intent + slot).
   */
  mode: 'mixed' | 'joint';
  /** 'proportional' (to each task's rows), 'uniform', 'sqrt' (proportional to sqrt of rows), or task -> weight. */
  ratio: 'proportional' | 'uniform' | 'sqrt' | Record<string, number>;
}

export interface MultitaskBackboneConfig {
  /** 'encoder' (BERT) or 'decoder' (GPT-2 style, causal, last-token pooling). */
  kind: 'encoder' | 'decoder';
  /** Size preset shared by both families: tiny, mini, small. */
  size: string;
  /** WordPiece vocabulary trained on the training texts (the same tokenizer for both families: only the architecture differs). */
  vocabSize: number;
  maxLength: number;
  /** Architecture overrides (e.g. {numLayers: 1}). */
  overrides: Record<string, unknown>;
  /** 'auto' (encoder: mean, decoder: last token), 'native', 'mean' or 'first': see `resolvePooling`. */
  pooling: PoolingName;
}

export interface MultitaskConfig {
  /** 'single-task' or 'multi-task' (MULTITASK_METHODS). */
  method: string;
  dataset: string;
  seed: number;
  tasks: TaskConfig[];
  /** Splits to train on (null: every split but the test split). */
  trainSplits: string[] | null;
  testSplit: string;
  /** Train on a seeded random subset of this many training rows (null: all); for small, fast studies. */
  maxTrainRows: number | null;
  /**
   * Share of the training rows held out (seeded by `seed`: the same rows for every method and backbone of a
   * seed) and scored at the end as `val.<task>.<metric>`: where defaults and hyper-parameters are chosen,
   * never on the test split. 0: no hold-out.
   */
  validationFraction: number;
  backbone: MultitaskBackboneConfig;
  optim: { lr: number; epochs: number; batchSize: number; weightDecay: number; warmupRatio: number; clipNorm: number };
  sampling: SamplingConfig;
  /** Start each classification head's bias at its training labels' prior (see `initBiasFromPriors`). */
  priorBias: boolean;
  eval: { batchSize: number; saveCheckpoint: boolean; benchInputs: number };
}

export const DEFAULT_MULTITASK_CONFIG: MultitaskConfig = {
  method: 'multi-task',
  dataset: 'debtags-dev',
  seed: 0,
  tasks: [{ name: 'section' }, { name: 'tags' }],
  trainSplits: null,
  testSplit: 'target_test',
  maxTrainRows: null,
  validationFraction: 0.1,
  backbone: { kind: 'encoder', size: 'tiny', vocabSize: 4000, maxLength: 64, overrides: {}, pooling: 'auto' },
  // lr 3e-3: best of {1e-3, 3e-3} on the debtags-dev validation hold-out for both tiny backbones from scratch.
  optim: { lr: 3e-3, epochs: 3, batchSize: 32, weightDecay: 0.01, warmupRatio: 0.1, clipNorm: 1 },
  sampling: { mode: 'mixed', ratio: 'proportional' },
  priorBias: true,
  eval: { batchSize: 64, saveCheckpoint: true, benchInputs: 64 },
};

const TASK_KEYS = ['name', 'type', 'labels', 'weight'];

/** A complete config from a user's partial one; unknown keys rejected with did-you-mean, tasks checked one by one. */
export function resolveMultitaskConfig(partial: unknown, where: ErrorLocation = {}): MultitaskConfig {
  const base = { ...DEFAULT_MULTITASK_CONFIG, trainSplits: null, tasks: null, sampling: { ...DEFAULT_MULTITASK_CONFIG.sampling, ratio: null }, backbone: { ...DEFAULT_MULTITASK_CONFIG.backbone, overrides: null } };
  const merged = resolveConfig(base as never, partial, { where }) as unknown as MultitaskConfig;
  const fail = (path: string, message: string): never => {
    throw new WorkbenchError('CONFIG_TYPE', message, { where: { ...where, path } });
  };
  merged.tasks = (merged.tasks as TaskConfig[] | null) ?? DEFAULT_MULTITASK_CONFIG.tasks;
  merged.sampling.ratio ??= DEFAULT_MULTITASK_CONFIG.sampling.ratio;
  merged.backbone.overrides ??= {};
  if (!Array.isArray(merged.tasks) || merged.tasks.length === 0) fail('tasks', 'tasks must be a non-empty list of {name, type?, labels?, weight?}');
  merged.tasks = merged.tasks.map((t, i) => {
    const path = `tasks[${i}]`;
    if (typeof t !== 'object' || t === null || typeof t.name !== 'string') return fail(path, `task ${i} must be an object with a string 'name', got ${JSON.stringify(t)}`);
    for (const k of Object.keys(t)) if (!TASK_KEYS.includes(k)) fail(`${path}.${k}`, `unknown task key '${k}'; valid: ${TASK_KEYS.join(', ')}`);
    const weight = t.weight ?? 1;
    if (typeof weight !== 'number' || !(weight > 0)) fail(`${path}.weight`, `task '${t.name}': weight must be a positive number, got ${JSON.stringify(t.weight)}`);
    if (t.labels !== undefined && (!Array.isArray(t.labels) || t.labels.some((l) => typeof l !== 'string'))) fail(`${path}.labels`, `task '${t.name}': labels must be a list of strings`);
    return { ...t, weight };
  });
  const seen = new Set<string>();
  merged.tasks.forEach((t, i) => {
    if (seen.has(t.name)) fail(`tasks[${i}].name`, `two tasks are named '${t.name}': task names must be unique`);
    seen.add(t.name);
  });
  if (!['mixed', 'joint'].includes(merged.sampling.mode)) fail('sampling.mode', `sampling.mode must be 'mixed' or 'joint', got '${merged.sampling.mode}'`);
  const ratio = merged.sampling.ratio;
  if (typeof ratio === 'string') {
    if (!['proportional', 'uniform', 'sqrt'].includes(ratio)) fail('sampling.ratio', `sampling.ratio must be 'proportional', 'uniform', 'sqrt' or {task: weight}, got '${ratio}'`);
  } else {
    for (const [k, v] of Object.entries(ratio)) {
      if (!seen.has(k)) fail(`sampling.ratio.${k}`, `sampling.ratio names '${k}', which is not a task (${[...seen].join(', ')})`);
      if (typeof v !== 'number' || !(v >= 0)) fail(`sampling.ratio.${k}`, `sampling.ratio.${k} must be a number >= 0, got ${JSON.stringify(v)}`);
    }
  }
  if (merged.maxTrainRows !== null && (!Number.isInteger(merged.maxTrainRows) || merged.maxTrainRows <= 0)) fail('maxTrainRows', `maxTrainRows must be a positive integer or null, got ${JSON.stringify(merged.maxTrainRows)}`);
  const v = merged.validationFraction;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail('validationFraction', `validationFraction must be a number in [0, 1), got ${JSON.stringify(v)}`);
  if (!['auto', 'native', 'mean', 'first'].includes(merged.backbone.pooling)) fail('backbone.pooling', `backbone.pooling must be 'auto', 'native', 'mean' or 'first', got ${JSON.stringify(merged.backbone.pooling)}`);
  if (!['encoder', 'decoder'].includes(merged.backbone.kind)) fail('backbone.kind', `backbone.kind must be 'encoder' or 'decoder', got '${merged.backbone.kind}'`);
  for (const [k, v] of Object.entries(merged.optim)) if (!(v >= 0)) fail(`optim.${k}`, `optim.${k} must be >= 0, got ${v}`);
  if (!Number.isInteger(merged.optim.batchSize) || merged.optim.batchSize <= 0) fail('optim.batchSize', `optim.batchSize must be a positive integer, got ${merged.optim.batchSize}`);
  return merged;
}
