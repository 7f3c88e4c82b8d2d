import { Rng, canonicalJson, flattenConfig, sha256Hex, type RunLogger } from '@workbench/core';
import { loadDataset, toDatasetInput } from '@workbench/data';
import type { Progress } from '../method.ts';
import { createMultitaskBackbone } from './multitask-backbone.ts';
import type { MultitaskConfig } from './multitask-config.ts';
import { MULTITASK_METHODS } from './multitask-methods.ts';
import { MultitaskModel } from './multitask-model.ts';
import { encoderConfigOf, modelWeightsBytes, type ModelsManifest } from './model-artifacts.ts';
import { initBiasFromPriors } from './prior-bias.ts';
import { prepareMultitaskData } from './task-data.ts';
import { taskMetrics } from './task-metrics.ts';
import { trainMultitask } from './train-multitask.ts';

export interface RunMultitaskOptions {
  /** A resolved config (see `resolveMultitaskConfig`). */
  config: MultitaskConfig;
  logger: RunLogger;
  datasetsDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface MultitaskResult {
  cellId: string;
  method: string;
  /** task -> metric -> value, on the test split. */
  metrics: Record<string, Record<string, number>>;
  /** As logged: `test.<task>.<metric>`. */
  record: Record<string, number>;
  /** task -> metric -> value on the validation hold-out (empty without one); logged as `val.<task>.<metric>`. */
  validation: Record<string, Record<string, number>>;
  models: number;
  parameters: number;
  seconds: number;
}

/**
 * One cell of the single- vs multi-task study: tasks checked against the data (before any training), one
 * tokenizer from the training texts, the method's models trained (one per task, or one for all), every task
 * scored on the test split, and everything logged: per-task metrics (`test.<task>.<metric>`), parameter
 * counts, predictions, and the models' weights (`models/manifest.json` + `models/<i>.safetensors`) with a
 * sample of tokenized test inputs (`bench/inputs.json`) so `workbench bench latency --run` can time them.
 */
export async function runMultitaskCell(options: RunMultitaskOptions): Promise<MultitaskResult> {
  const t0 = performance.now();
  const { config, logger } = options;
  const method = MULTITASK_METHODS.get(config.method, { path: 'method' });
  const dataset = await loadDataset(config.dataset, options.datasetsDir ? { datasetsDir: options.datasetsDir } : {});
  const data = prepareMultitaskData(config, dataset);
  const cellId = sha256Hex(canonicalJson({ config, dataset: dataset.digest }));
  const rng = new Rng(config.seed);
  await logger.setTags({ 'workbench.cell_id': cellId, 'workbench.study': 'multitask', 'workbench.method': method.name, 'workbench.dataset': dataset.name, 'workbench.backbone': config.backbone.kind });
  await logger.logInputs([toDatasetInput(dataset, 'train')]);

  const backbone = createMultitaskBackbone(config.backbone, data.train.texts);
  await logger.logParams(flattenConfig(backbone.describe, 'backbone.resolved'));
  const train = backbone.encode(data.train.texts, data.train.words);
  const test = backbone.encode(data.test.texts, data.test.words);
  const validationSplit = data.validation;
  const val = validationSplit ? backbone.encode(validationSplit.texts, validationSplit.words) : undefined;

  const groups = method.models(data.tasks);
  const metrics: Record<string, Record<string, number>> = {};
  const validation: Record<string, Record<string, number>> = {};
  const manifest: ModelsManifest = { format: 'workbench-multitask/1', method: method.name, backbone: backbone.describe, padId: backbone.padId, models: [] };
  let parameters = 0;
  for (const [i, tasks] of groups.entries()) {
    // The same init seed for every method: a single-task model starts where the multi-task backbone does.
    const model = new MultitaskModel(backbone.createEncoder(rng.derive('init').seedInt()), tasks, backbone.padId, rng.derive('heads').seedInt(), config.backbone.pooling);
    try {
      if (config.priorBias) initBiasFromPriors(model, tasks, data.train.targets);
      const stage = groups.length === 1 ? 'train' : `train.${tasks[0]?.name}`;
      await trainMultitask({ model, tasks, encoded: train, targets: data.train.targets, config, rng: rng.derive(`model${i}`), logger, stage, signal: options.signal, onProgress: options.onProgress });
      if (val && validationSplit) {
        const p = model.predict(val.ids, tasks.map((t) => t.name), config.eval.batchSize);
        for (const task of tasks) validation[task.name] = taskMetrics(task, p.get(task.name) as Float32Array | Int32Array[], validationSplit.targets.get(task.name)!, val);
      }
      const predictions = model.predict(test.ids, tasks.map((t) => t.name), config.eval.batchSize);
      for (const task of tasks) {
        metrics[task.name] = taskMetrics(task, predictions.get(task.name) as Float32Array | Int32Array[], data.test.targets.get(task.name)!, test);
        await logger.logArtifactBytes(`predictions/${task.name}.jsonl`, predictionLines(data.test.rowIds, predictions.get(task.name) as Float32Array | Int32Array[], task.labels.length));
      }
      const count = model.parameterCount();
      parameters += count;
      if (config.eval.saveCheckpoint) {
        const file = `models/${i}.safetensors`;
        await logger.logArtifactBytes(file, modelWeightsBytes(model));
        manifest.models.push({ file, tasks, pooling: model.pooling.name, encoderKind: model.encoder.kind, encoderConfig: encoderConfigOf(model.encoder), parameters: count });
      }
    } finally {
      model.dispose();
    }
  }
  const record: Record<string, number> = {};
  for (const [task, m] of Object.entries(metrics)) for (const [k, v] of Object.entries(m)) record[`test.${task}.${k}`] = v;
  const valRecord: Record<string, number> = {};
  for (const [task, m] of Object.entries(validation)) for (const [k, v] of Object.entries(m)) valRecord[`val.${task}.${k}`] = v;
  await logger.logParams({ 'model.count': groups.length, 'model.parameters': parameters, 'data.train_rows': data.train.rowIds.length, 'data.validation_rows': validationSplit?.rowIds.length ?? 0, 'data.test_rows': data.test.rowIds.length });
  await logger.logMetrics({ ...record, ...valRecord }, config.optim.epochs);
  if (config.eval.saveCheckpoint) {
    await logger.logArtifactBytes('models/manifest.json', JSON.stringify(manifest, null, 2));
    await logger.logArtifactBytes('bench/inputs.json', JSON.stringify(test.ids.slice(0, config.eval.benchInputs).map((ids) => Array.from(ids))));
  }
  const seconds = (performance.now() - t0) / 1000;
  await logger.logMetrics({ 'cost.wall_seconds': seconds }, config.optim.epochs);
  return { cellId, method: method.name, metrics, record, validation, models: groups.length, parameters, seconds };
}

function predictionLines(rowIds: string[], p: Float32Array | Int32Array[], L: number): string {
  const lines = rowIds.map((id, i) => JSON.stringify({ id, ...(Array.isArray(p) ? { tags: Array.from(p[i] ?? []) } : { scores: Array.from(p.subarray(i * L, (i + 1) * L), (x) => Math.round(x * 1e6) / 1e6) }) }));
  return `${lines.join('\n')}\n`;
}
