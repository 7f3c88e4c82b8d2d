import { join } from 'node:path';
import { Rng, WorkbenchError, flattenConfig, type DatasetRow, type RunLogger } from '@workbench/core';
import { getSplit, getTask, loadDataset, toDatasetInput, type LoadedDataset } from '@workbench/data';
import { computeMultiLabelMetrics, multiLabelMetricRecord, type MultiLabelMetrics } from '@workbench/metrics';
import { applyScenario, carveValidation, resolveScenario, trainValidationSplit } from '@workbench/sampling';
import { BACKBONES, type Backbone } from './backbones.ts';
import type { CellConfig } from './cell-config.ts';
import type { CellData, CorpusPart } from './cell-data.ts';
import type { MultiLabelClassifier } from './classifier.ts';
import { labelMatrixFromRows, matrixFromRows, matrixRows, selectRows, type LabelMatrix } from './label-matrix.ts';
import type { MethodContext } from './method-context.ts';
import { METHODS, type DallmiMethod } from './method-registry.ts';
import type { Progress } from './method.ts';
import { cellIdentity, stage1Key } from './resolve-cell-config.ts';
import { StageCache } from './stage-cache.ts';
import { trainStage1 } from './stage1.ts';
import type { TokenIds } from './token-batch.ts';

/** The split names a DALLMi dataset card must have. */
export const DALLMI_SPLITS = { source: 'source', targetTrain: 'target_train', targetTest: 'target_test' } as const;

export interface RunCellOptions {
  /** A resolved config (see `resolveCellConfig`). */
  config: CellConfig;
  logger: RunLogger;
  /** Folder of the stage cache (pre-training, stage 1), shared by every run and worker. */
  cacheDir: string;
  /** Where datasets are looked up by name (default: the workspace's datasets/). */
  datasetsDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface CellResult {
  cellId: string;
  method: string;
  metrics: MultiLabelMetrics;
  /** Flat final metrics as logged. */
  record: Record<string, number>;
  stage1: { key: string; reused: boolean } | undefined;
  scenario: { keptFraction: number; hidden: number };
  seconds: number;
}

/**
 * Runs one cell end to end: data, scenario, backbone, stage 1 (shared through the cache), the method, the
 * evaluation on target test, and the logging of all of it. Methods receive token ids and only the labels their
 * access allows; target-test labels stay here.
 */
export async function runCell(options: RunCellOptions): Promise<CellResult> {
  const t0 = performance.now();
  const { config, logger } = options;
  const method = METHODS.get(config.method, { path: 'method' });
  const dataset = await loadDataset(config.dataset, options.datasetsDir ? { datasetsDir: options.datasetsDir } : {});
  const cellId = cellIdentity(config, dataset.digest);
  const rng = new Rng(config.seed);
  await logger.setTags({ 'workbench.cell_id': cellId, 'workbench.method': method.name, 'workbench.dataset': dataset.name });
  await logger.logInputs([toDatasetInput(dataset, 'train')]);

  const prepared = prepareData(config, dataset, rng);
  await logger.logMetrics({ 'scenario.kept_fraction': prepared.keptFraction, 'scenario.hidden_positives': prepared.hidden }, 0);

  const backbone = await BACKBONES.get(config.backbone.kind, { path: 'backbone.kind' })(config, prepared.trainTexts, rng.derive('backbone'));
  await logger.logParams(prefixed('backbone.resolved', backbone.describe));
  const tokenize = (texts: string[]): TokenIds[] => backbone.tokenize(texts);
  const ids = {
    source: tokenize(prepared.source.texts),
    sourceValidation: tokenize(prepared.sourceValidation.texts),
    targetTrain: tokenize(prepared.targetTrain.texts),
    targetValidation: tokenize(prepared.targetValidation.texts),
    targetTest: tokenize(prepared.targetTest.texts),
  };
  const numLabels = prepared.labelNames.length;
  const model = backbone.createModel(numLabels, rng.derive('init').seedInt());
  await logger.logParams({ 'model.parameters': model.parameterCount() });

  let stage1: CellResult['stage1'];
  try {
    if (method.startsFrom === 'source') {
      const key = stage1Key(config, dataset.digest);
      const cache = new StageCache(options.cacheDir);
      const { dir, created } = await cache.getOrCreate(
        'stage1',
        key,
        async (tmp) => {
          await trainStage1({
            config,
            model,
            backbone,
            sourceIds: ids.source,
            sourceLabels: prepared.source.labels,
            sourceValidation: { ids: ids.sourceValidation, labels: prepared.sourceValidation.labels, evaluate: (i, l) => evaluateOn(model, i, l, prepared.labelNames).mapMacro },
            unlabelledIds: [...ids.source, ...ids.sourceValidation, ...ids.targetTrain],
            rng: rng.derive('stage1'),
            logger,
            signal: options.signal,
            onProgress: options.onProgress,
          });
          await backbone.save(model, tmp);
        },
        { dataset: dataset.name, datasetDigest: dataset.digest },
      );
      if (!created) await backbone.load(model, dir);
      stage1 = { key, reused: !created };
      await logger.setTags({ 'workbench.stage1_key': key, 'workbench.stage1_reused': String(!created) });
    }

    const data = restrictToAccess(method, prepared, ids);
    const evaluate = async (stage: string, epoch: number): Promise<void> => {
      if (!config.eval.everyEpoch) return;
      const m = evaluateOn(model, ids.targetTest, prepared.targetTest.labels, prepared.labelNames);
      const metrics: Record<string, number> = { 'test.map_macro': m.mapMacro, 'test.map_hard': m.mapHard, 'test.map_micro': m.mapMicro };
      if (ids.targetValidation.length && data.targetValidation.labels) {
        metrics['val.map_macro_observed'] = evaluateOn(model, ids.targetValidation, data.targetValidation.labels, prepared.labelNames).mapMacro;
      }
      await logger.logMetrics(prefixKeys(stage, metrics), epoch);
    };
    const ctx: MethodContext = {
      config,
      rng: rng.derive(`method-${method.name}`),
      logger,
      signal: options.signal,
      onProgress: options.onProgress,
      data,
      model,
      cloneModel: () => {
        const copy = backbone.createModel(numLabels, 0);
        copy.restore(model.snapshot());
        return copy;
      },
      evaluate,
    };
    await method.train(ctx);

    const testScores = model.predict(ids.targetTest);
    const metrics = metricsOf(testScores, prepared.targetTest.labels, prepared.labelNames);
    const record = multiLabelMetricRecord(metrics);
    await logger.logMetrics(record, config.target.epochs);
    await logger.logArtifactBytes('metrics/per_label.json', JSON.stringify(metrics.perLabel, null, 2));
    await logger.logArtifactBytes('predictions/target_test.jsonl', predictionsJsonl(prepared.targetTest.rowIds, testScores, prepared.targetTest.labels, prepared.labelNames));
    if (config.eval.saveCheckpoint) {
      const dir = join(options.cacheDir, 'checkpoints', cellId);
      await backbone.save(model, dir);
      await logger.logArtifactDir(dir, 'checkpoint');
    }
    const seconds = (performance.now() - t0) / 1000;
    await logger.logMetrics({ 'cost.wall_seconds': seconds }, config.target.epochs);
    return { cellId, method: method.name, metrics, record, stage1, scenario: { keptFraction: prepared.keptFraction, hidden: prepared.hidden }, seconds };
  } finally {
    model.dispose();
  }
}

interface PreparedSplit {
  texts: string[];
  rowIds: string[];
  labels: LabelMatrix;
}

interface PreparedData {
  labelNames: string[];
  /** Source minus its validation part (stage 1 trains on it). */
  source: PreparedSplit;
  sourceValidation: PreparedSplit;
  /** Full labels (for the oracle) and observed ones. */
  targetTrain: PreparedSplit & { observed: LabelMatrix };
  targetValidation: PreparedSplit & { observed: LabelMatrix };
  targetTest: PreparedSplit;
  /** Texts a vocabulary may be built from: source and target train only, never target test. */
  trainTexts: string[];
  keptFraction: number;
  hidden: number;
  perLabelKept: number[];
}

function subset(s: PreparedSplit, rows: number[]): PreparedSplit {
  return { texts: rows.map((r) => s.texts[r] as string), rowIds: rows.map((r) => s.rowIds[r] as string), labels: selectRows(s.labels, rows) };
}

/** Only `text` leaves the rows: ids, domains and metadata fields never reach a model. */
function split(dataset: LoadedDataset, name: string, config: CellConfig): PreparedSplit {
  let s;
  try {
    s = getSplit(dataset, name);
  } catch (e) {
    throw new WorkbenchError('DATASET_INVALID', `dataset '${dataset.name}' has no split '${name}': DALLMi methods need splits ${Object.values(DALLMI_SPLITS).join(', ')}`, {
      where: { file: dataset.cardFile },
      cause: e,
    });
  }
  const task = getTask(dataset, config.task);
  return { texts: s.rows.map((r: DatasetRow) => r.text), rowIds: s.rows.map((r: DatasetRow) => r.id), labels: labelMatrixFromRows(s.rows, task, s.file) };
}

function prepareData(config: CellConfig, dataset: LoadedDataset, rng: Rng): PreparedData {
  const task = getTask(dataset, config.task);
  const fullSource = split(dataset, DALLMI_SPLITS.source, config);
  // Stage 1 selects on held-out source rows, never on the target.
  const sourceCut = trainValidationSplit(matrixRows(fullSource.labels), { validationFraction: config.eval.validationFraction }, rng.derive('source-validation'));
  const source = subset(fullSource, sourceCut.train);
  const sourceValidation = subset(fullSource, sourceCut.validation);
  const train = split(dataset, DALLMI_SPLITS.targetTrain, config);
  const test = split(dataset, DALLMI_SPLITS.targetTest, config);
  // Hide positives over the whole target-train split first (as the paper), then carve validation from it
  // with the observed labels only: the hidden ones cannot steer model selection.
  const resolved = resolveScenario(config.scenario.name, { removal: config.scenario.mode as 'per-label' | 'per-sample', scope: config.scenario.scope as 'split' | 'chunk1000' }, { path: 'scenario' });
  const scenario = applyScenario(matrixRows(train.labels), resolved, rng.derive('scenario'), { labelNames: task.labels, source: `${dataset.name}/${DALLMI_SPLITS.targetTrain}` });
  const observed = matrixFromRows(scenario.observed, task.labels.length);
  const { train: trainRows, validation: valRows } = carveValidation(scenario, { validationFraction: config.eval.validationFraction }, rng.derive('validation'));
  const pick = (rows: number[]): PreparedSplit & { observed: LabelMatrix } => ({
    texts: rows.map((r) => train.texts[r] as string),
    rowIds: rows.map((r) => train.rowIds[r] as string),
    labels: selectRows(train.labels, rows),
    observed: selectRows(observed, rows),
  });
  return {
    labelNames: task.labels,
    source,
    sourceValidation,
    targetTrain: pick(trainRows),
    targetValidation: pick(valRows),
    targetTest: test,
    trainTexts: [...fullSource.texts, ...train.texts],
    keptFraction: scenario.keptFraction,
    hidden: scenario.hidden.length,
    perLabelKept: scenario.perLabel.map((k) => k.keptFraction),
  };
}

/** The guard of label access: a method gets exactly the labels it may see. */
function restrictToAccess(method: DallmiMethod, p: PreparedData, ids: Record<'source' | 'targetTrain' | 'targetValidation' | 'targetTest', TokenIds[]>): CellData {
  const part = (i: TokenIds[], labels?: LabelMatrix): CorpusPart => (labels ? { ids: i, labels } : { ids: i });
  const access = method.targetLabels;
  return {
    labelNames: p.labelNames,
    source: { ids: ids.source, labels: p.source.labels },
    targetTrain: part(ids.targetTrain, access === 'full' ? p.targetTrain.labels : access === 'observed' ? p.targetTrain.observed : undefined),
    targetValidation: part(ids.targetValidation, access === 'none' ? undefined : p.targetValidation.observed),
    targetTest: { ids: ids.targetTest },
  };
}

function evaluateOn(model: MultiLabelClassifier, ids: TokenIds[], labels: LabelMatrix, labelNames: string[]): MultiLabelMetrics {
  return metricsOf(model.predict(ids), labels, labelNames);
}

function metricsOf(scores: Float32Array, labels: LabelMatrix, labelNames: string[]): MultiLabelMetrics {
  const L = labels.numLabels;
  const rows = Array.from({ length: labels.rows }, (_, i) => scores.subarray(i * L, (i + 1) * L));
  return computeMultiLabelMetrics(matrixRows(labels), rows, { labelNames });
}

function predictionsJsonl(rowIds: string[], scores: Float32Array, labels: LabelMatrix, labelNames: string[]): string {
  const L = labels.numLabels;
  const lines = [JSON.stringify({ labels: labelNames })];
  rowIds.forEach((id, i) => {
    lines.push(JSON.stringify({ id, scores: Array.from(scores.subarray(i * L, (i + 1) * L), (x) => Math.round(x * 1e6) / 1e6), true: Array.from(labels.data.subarray(i * L, (i + 1) * L)) }));
  });
  return `${lines.join('\n')}\n`;
}

function prefixKeys(prefix: string, m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`${prefix}.${k}`, v]));
}

function prefixed(prefix: string, m: Record<string, string | number>): Record<string, string> {
  return flattenConfig(m, prefix);
}

export type { Backbone };
