import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng, WorkbenchError, canonicalJson, flattenConfig, sha256Hex, type DatasetRow, type RunLogger } from '@workbench/core';
import { getSplit, getTask, loadDataset, resolveDatasetRef, toDatasetInput, type LoadedDataset } from '@workbench/data';
import { computeMultiLabelMetrics, multiLabelMetricRecord, type MultiLabelMetrics } from '@workbench/metrics';
import { applyScenario, carveValidation, resolveScenario, trainValidationSplit } from '@workbench/sampling';
import { BACKBONES, type Backbone } from './backbones.ts';
import type { CellConfig } from './cell-config.ts';
import type { CellData, CellMemo, CellPhases, CorpusPart } from './cell-data.ts';
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
  /**
   * Shares the loaded dataset, the backbone and the token ids of whole splits with the other cells this process
   * runs (a sweep worker). Results are the same with or without it.
   */
  memo?: CellMemo;
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
  /** Where the seconds went (also logged as `cost.<phase>_seconds`). */
  phases: CellPhases;
}

/**
 * Runs one cell end to end: data, scenario, backbone, stage 1 (shared through the cache), the method, the
 * evaluation on target test, and the logging of all of it. Methods receive token ids and only the labels their
 * access allows; target-test labels stay here.
 */
export async function runCell(options: RunCellOptions): Promise<CellResult> {
  const t0 = performance.now();
  const { config } = options;
  const clock = new PhaseClock();
  const logger = timedLogger(options.logger, clock);
  const method = METHODS.get(config.method, { path: 'method' });
  const dataset = await cellDataset(config.dataset, options);
  clock.lap('data.load');
  const cellId = cellIdentity(config, dataset.digest);
  const rng = new Rng(config.seed);
  await logger.setTags({ 'workbench.cell_id': cellId, 'workbench.method': method.name, 'workbench.dataset': dataset.name });
  await logger.logInputs([toDatasetInput(dataset, 'train')]);

  const prepared = prepareData(config, dataset, rng);
  clock.lap('data.prepare');
  await logger.logMetrics({ 'scenario.kept_fraction': prepared.keptFraction, 'scenario.hidden_positives': prepared.hidden }, 0);

  const { backbone, whole } = await cellBackbone(config, dataset, prepared, rng, options.memo, clock);
  await logger.logParams(prefixed('backbone.resolved', backbone.describe));
  // Token ids of whole splits, picked by row: tokenizing is per text, so these are the ids of the cell's texts.
  const pick = (all: TokenIds[], rows: number[]): TokenIds[] => rows.map((r) => all[r] as TokenIds);
  const ids = {
    source: pick(whole.source, prepared.source.rows),
    sourceValidation: pick(whole.source, prepared.sourceValidation.rows),
    targetTrain: pick(whole.targetTrain, prepared.targetTrain.rows),
    targetValidation: pick(whole.targetTrain, prepared.targetValidation.rows),
    targetTest: pick(whole.targetTest, prepared.targetTest.rows),
  };
  clock.lap('tokenize');
  const numLabels = prepared.labelNames.length;
  const initSeed = rng.derive('init').seedInt();
  let model = backbone.createModel(numLabels, initSeed);
  clock.lap('model.init');
  await logger.logParams({ 'model.parameters': model.parameterCount() });

  let stage1: CellResult['stage1'];
  try {
    const evaluateOnTimed = (i: TokenIds[], l: LabelMatrix): Promise<MultiLabelMetrics> => clock.inner('evaluate', () => evaluateOn(model, i, l, prepared.labelNames));
    if (method.startsFrom === 'source') {
      const key = stage1Key(config, dataset.digest);
      const cache = new StageCache(options.cacheDir);
      const { dir, created } = await cache.getOrCreate(
        'stage1',
        key,
        (tmp) =>
          clock.inner('stage1.train', async () => {
            await trainStage1({
              config,
              model,
              backbone,
              sourceIds: ids.source,
              sourceLabels: prepared.source.labels,
              sourceValidation: { ids: ids.sourceValidation, labels: prepared.sourceValidation.labels, evaluate: (i, l) => clock.innerSync('evaluate', () => evaluateOn(model, i, l, prepared.labelNames)).mapMacro },
              unlabelledIds: [...ids.source, ...ids.sourceValidation, ...ids.targetTrain],
              rng: rng.derive('stage1'),
              logger,
              signal: options.signal,
              onProgress: options.onProgress,
            });
            await clock.inner('stage1.save', () => backbone.save(model, tmp));
          }),
        { dataset: dataset.name, datasetDigest: dataset.digest },
      );
      clock.lap('stage1.wait');
      if (created) {
        // Go on from stage 1's weights alone, as a cell that reuses them does: the trained model also holds state
        // that is not weights (its dropout stream has advanced), and a result must not depend on which cell of a
        // sweep happened to train the shared stage.
        const fresh = backbone.createModel(numLabels, initSeed);
        fresh.restore(model.snapshot());
        model.dispose();
        model = fresh;
      } else {
        await backbone.load(model, dir);
      }
      clock.lap('stage1.load');
      stage1 = { key, reused: !created };
      await logger.setTags({ 'workbench.stage1_key': key, 'workbench.stage1_reused': String(!created) });
    }

    const data = restrictToAccess(method, prepared, ids);
    const evaluate = async (stage: string, epoch: number): Promise<void> => {
      if (!config.eval.everyEpoch) return;
      const m = await evaluateOnTimed(ids.targetTest, prepared.targetTest.labels);
      const metrics: Record<string, number> = { 'test.map_macro': m.mapMacro, 'test.map_hard': m.mapHard, 'test.map_micro': m.mapMicro };
      if (ids.targetValidation.length && data.targetValidation.labels) {
        metrics['val.map_macro_observed'] = (await evaluateOnTimed(ids.targetValidation, data.targetValidation.labels)).mapMacro;
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
    clock.lap('method.train');

    const testScores = model.predict(ids.targetTest);
    const metrics = metricsOf(testScores, prepared.targetTest.labels, prepared.labelNames);
    const record = multiLabelMetricRecord(metrics);
    clock.lap('evaluate');
    await logger.logMetrics(record, config.target.epochs);
    await logger.logArtifactBytes('metrics/per_label.json', JSON.stringify(metrics.perLabel, null, 2));
    await logger.logArtifactBytes('predictions/target_test.jsonl', predictionsJsonl(prepared.targetTest.rowIds, testScores, prepared.targetTest.labels, prepared.labelNames));
    clock.lap('log');
    if (config.eval.saveCheckpoint) {
      const dir = join(options.cacheDir, 'checkpoints', cellId);
      await backbone.save(model, dir);
      await logger.logArtifactDir(dir, 'checkpoint');
      clock.lap('checkpoint');
    }
    const seconds = (performance.now() - t0) / 1000;
    const phases = clock.seconds();
    await logger.logMetrics({ 'cost.wall_seconds': seconds, ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [`cost.${k}_seconds`, v])) }, config.target.epochs);
    return { cellId, method: method.name, metrics, record, stage1, scenario: { keptFraction: prepared.keptFraction, hidden: prepared.hidden }, seconds, phases };
  } finally {
    model.dispose();
  }
}

/**
 * Exclusive wall time per phase: `lap(name)` closes the phase running since the previous lap; `inner` times a
 * call nested anywhere (logging, evaluation inside training) and takes it out of the phase around it.
 */
class PhaseClock {
  private readonly totals = new Map<string, number>();
  private readonly open: { nested: number }[] = [{ nested: 0 }];
  private since = performance.now();

  lap(name: string): void {
    const now = performance.now();
    const root = this.open[0] as { nested: number };
    this.add(name, now - this.since - root.nested);
    root.nested = 0;
    this.since = now;
  }

  async inner<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const frame = this.enter();
    try {
      return await fn();
    } finally {
      this.leave(name, frame);
    }
  }

  innerSync<T>(name: string, fn: () => T): T {
    const frame = this.enter();
    try {
      return fn();
    } finally {
      this.leave(name, frame);
    }
  }

  /** Seconds per phase, rounded to the millisecond. */
  seconds(): CellPhases {
    return Object.fromEntries([...this.totals].map(([k, ms]) => [k, Math.round(ms) / 1000]));
  }

  private enter(): { nested: number; start: number; parent: { nested: number } } {
    const frame = { nested: 0, start: performance.now(), parent: this.open.at(-1) as { nested: number } };
    this.open.push(frame);
    return frame;
  }

  private leave(name: string, frame: { nested: number; start: number; parent: { nested: number } }): void {
    const spent = performance.now() - frame.start;
    const i = this.open.lastIndexOf(frame);
    if (i > 0) this.open.splice(i, 1);
    this.add(name, spent - frame.nested);
    frame.parent.nested += spent;
  }

  private add(name: string, ms: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + Math.max(0, ms));
  }
}

/** The run logger with every call timed as phase `log`. */
function timedLogger(l: RunLogger, clock: PhaseClock): RunLogger {
  const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A): Promise<R> => clock.inner('log', () => f(...a));
  return {
    get runId() {
      return l.runId;
    },
    get experimentId() {
      return l.experimentId;
    },
    logParams: timed((p) => l.logParams(p)),
    logMetric: timed((k, v, s, t) => l.logMetric(k, v, s, t)),
    logMetrics: timed((m, s, t) => l.logMetrics(m, s, t)),
    setTags: timed((t) => l.setTags(t)),
    logArtifactBytes: timed((p, d) => l.logArtifactBytes(p, d)),
    logArtifactFile: timed((p, d) => l.logArtifactFile(p, d)),
    logArtifactDir: timed((p, d) => l.logArtifactDir(p, d)),
    logInputs: timed((i) => l.logInputs(i)),
    startChild: timed((n, t) => l.startChild(n, t)),
    flush: timed(() => l.flush()),
    end: timed((s) => l.end(s)),
  };
}

/** The token ids of whole splits (source, target train, target test), in row order. */
interface WholeSplitIds {
  source: TokenIds[];
  targetTrain: TokenIds[];
  targetTest: TokenIds[];
}

/**
 * The cell's dataset, from the memo when it holds this dataset with the same content: the memo's key is the
 * card's path, and a hit is checked against the SHA-256 of the card and of every data file (milliseconds, against
 * the hundreds a parse and validation take), so an edited file is read again.
 */
async function cellDataset(ref: string, options: RunCellOptions): Promise<LoadedDataset> {
  const opts = options.datasetsDir ? { datasetsDir: options.datasetsDir } : {};
  if (!options.memo) return loadDataset(ref, opts);
  const { cardFile } = resolveDatasetRef(ref, opts);
  const key = `dataset\0${cardFile}`;
  const load = async (): Promise<{ dataset: LoadedDataset; card: string }> => ({ card: sha256Hex(readFileSync(cardFile)), dataset: await loadDataset(ref, opts) });
  const hit = await options.memo.get(key, load);
  if (sha256Hex(readFileSync(cardFile)) === hit.card && hit.dataset.files.every((f) => sha256Hex(readFileSync(dataFilePath(hit.dataset, f.path))) === f.sha256)) return hit.dataset;
  options.memo.delete(key);
  return (await options.memo.get(key, load)).dataset;
}

/** The absolute path of a dataset's file as `LoadedDataset.files` shows it (relative to the card, or `$VAR/...`). */
function dataFilePath(dataset: LoadedDataset, shown: string): string {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)\/(.*)$/.exec(shown);
  return m ? resolve(process.env[m[1] as string] ?? '', m[2] as string) : resolve(dataset.dir, shown);
}

/**
 * The backbone and the token ids of whole splits. Memoized under what a backbone factory reads: the backbone
 * config, the texts (a function of the dataset's content) and the seed (its rng); `backbone.createModel` makes
 * a fresh model every time, so cells sharing a backbone share nothing trainable.
 */
async function cellBackbone(config: CellConfig, dataset: LoadedDataset, prepared: PreparedData, rng: Rng, memo: CellMemo | undefined, clock: PhaseClock): Promise<{ backbone: Backbone; whole: WholeSplitIds }> {
  const make = async (): Promise<{ backbone: Backbone; whole: WholeSplitIds }> => {
    const backbone = await clock.inner('backbone', () => BACKBONES.get(config.backbone.kind, { path: 'backbone.kind' })(config, prepared.trainTexts, rng.derive('backbone')));
    const whole = clock.innerSync('tokenize', () => ({
      source: backbone.tokenize(prepared.whole.source),
      targetTrain: backbone.tokenize(prepared.whole.targetTrain),
      targetTest: backbone.tokenize(prepared.whole.targetTest),
    }));
    return { backbone, whole };
  };
  if (!memo) return make();
  // The task is in the key too: a dataset's splits are the same texts for every task, but cheap to be exact.
  return memo.get(`backbone\0${dataset.digest}\0${config.task}\0${canonicalJson(config.backbone)}\0seed ${config.seed}`, make);
}

interface PreparedSplit {
  /** Row indices into the whole split (`PreparedData.whole`), whose token ids the cell picks. */
  rows: number[];
  rowIds: string[];
  labels: LabelMatrix;
}

interface PreparedData {
  labelNames: string[];
  /** Texts of the whole splits, tokenized once (per process with a memo) and picked by row. */
  whole: { source: string[]; targetTrain: string[]; targetTest: string[] };
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
  return { rows: rows.map((r) => s.rows[r] as number), rowIds: rows.map((r) => s.rowIds[r] as string), labels: selectRows(s.labels, rows) };
}

/** Only `text` leaves the rows: ids, domains and metadata fields never reach a model. */
function split(dataset: LoadedDataset, name: string, config: CellConfig): PreparedSplit & { texts: string[] } {
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
  return { texts: s.rows.map((r: DatasetRow) => r.text), rows: s.rows.map((_, i) => i), rowIds: s.rows.map((r: DatasetRow) => r.id), labels: labelMatrixFromRows(s.rows, task, s.file) };
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
    rows,
    rowIds: rows.map((r) => train.rowIds[r] as string),
    labels: selectRows(train.labels, rows),
    observed: selectRows(observed, rows),
  });
  return {
    labelNames: task.labels,
    whole: { source: fullSource.texts, targetTrain: train.texts, targetTest: test.texts },
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
