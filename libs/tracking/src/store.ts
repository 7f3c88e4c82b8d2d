/**
 * The contract every tracking store implements (SQLite, FileStore, REST). It mirrors MLflow's tracking
 * service (experiments, runs, log-batch, inputs, artifacts, metric history, lifecycle) with camelCase fields,
 * so a store is a thin adapter and the Tracker, Reader and CLI never know which backend they talk to.
 *
 * Conventions shared by all stores:
 * - ids are strings (experiment ids '0', '1' or 18-digit; run ids 32 lowercase hex chars);
 * - timestamps are milliseconds since the epoch;
 * - metric values are JS numbers: NaN and +/-Infinity pass through `logBatch` unchanged and each store persists
 *   them as its MLflow backend does (FileStore `nan`/`inf`, SQLite `is_nan` and +/-1.7976931348623157e308);
 *   read back, a store returns what MLflow would return (SQLite: the clamped finite number);
 * - unknown ids raise WorkbenchError('TRACKING_NOT_FOUND'); invalid keys or a changed param raise
 *   WorkbenchError('TRACKING_INVALID') naming the key, and nothing of the batch is written.
 */
import type { DatasetInput, MetricPoint, RunStatus } from '@workbench/core';

export type LifecycleStage = 'active' | 'deleted';

/** Which lifecycle stages a list/search returns (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  /** null while the run has not ended. */
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface RunData {
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The latest point of every metric (largest step, then largest timestamp, then largest value: MLflow's rule). */
  metrics: MetricPoint[];
}

/** A dataset input of a run, as stored (the dataset plus the input's tags, e.g. `mlflow.data.context`). */
export interface RunDatasetInput {
  dataset: Omit<DatasetInput, 'context'>;
  tags: Record<string, string>;
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: RunDatasetInput[];
}

export interface CreateRunOptions {
  experimentId: string;
  /** Default: a generated MLflow-style name (`adjective-noun-123`). Also stored as tag `mlflow.runName`. */
  runName?: string;
  /** Default: now. */
  startTime?: number;
  tags?: Record<string, string>;
  /** Default: the OS user (`mlflow.user` tag when given by the caller). */
  userId?: string;
  /** Makes this a child run: tag `mlflow.parentRunId`. */
  parentRunId?: string;
}

export interface RunUpdate {
  status?: RunStatus;
  /** Default: unchanged, except that a run set back to RUNNING (resumed) loses its end time. */
  endTime?: number;
  runName?: string;
}

/** The end time a run has after `update` (see RunUpdate.endTime). */
export function endTimeAfter(update: RunUpdate, current: number | null): number | null {
  if (update.endTime !== undefined) return update.endTime;
  return update.status === 'RUNNING' ? null : current;
}

export interface ParamEntry {
  key: string;
  value: string;
}

/** One `runs/log-batch`: metrics (with step and timestamp), params and tags, written atomically per store. */
export interface LogBatch {
  metrics?: MetricPoint[];
  params?: ParamEntry[];
  tags?: ParamEntry[];
}

export interface RunSearch {
  experimentIds: string[];
  /** Every tag must equal the given value (e.g. `{'workbench.config_hash': '...'}`). */
  tags?: Record<string, string>;
  /** Every param must equal the given value. */
  params?: Record<string, string>;
  /** Any of these statuses. */
  statuses?: RunStatus[];
  /** Default ACTIVE_ONLY. */
  viewType?: ViewType;
  /** Page size, default 1000 (MLflow's default), at most 50000. */
  maxResults?: number;
  /** The `nextPageToken` of the previous page. */
  pageToken?: string;
}

export interface RunPage {
  /** Ordered by start time, newest first, then run id (MLflow's default order). */
  runs: Run[];
  /** Present when more runs match. */
  nextPageToken?: string;
}

export interface ArtifactEntry {
  /** Relative to the run's artifact root, '/'-separated. */
  path: string;
  isDir: boolean;
  /** Bytes, for files. */
  fileSize?: number;
}

export interface TrackingStore {
  /** The URI the store was opened with (normalized), for messages. */
  readonly uri: string;
  /** 'sqlite' | 'file' | 'rest' — how non-finite values and ids look depends on it. */
  readonly kind: string;

  // --- experiments
  /** The experiment named `name`, created (with `tags`) when it does not exist. Safe under concurrent callers. */
  getOrCreateExperiment(name: string, tags?: Record<string, string>): Promise<Experiment>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** undefined when no experiment (active or deleted) has that name. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  listExperiments(viewType?: ViewType): Promise<Experiment[]>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;

  // --- runs
  createRun(options: CreateRunOptions): Promise<Run>;
  updateRun(runId: string, update: RunUpdate): Promise<RunInfo>;
  getRun(runId: string): Promise<Run>;
  searchRuns(search: RunSearch): Promise<RunPage>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;

  // --- logging
  /** Metrics, params and tags in one call. Resolves once durable in the store. */
  logBatch(runId: string, batch: LogBatch): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(runId: string, inputs: DatasetInput[]): Promise<void>;
  /** Every point of one metric, in logging order (step, then timestamp). */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;

  // --- artifacts
  putArtifact(runId: string, artifactPath: string, data: Uint8Array | string): Promise<void>;
  /** Copies a local file to `<artifactDir>/<basename>`. */
  putArtifactFile(runId: string, localPath: string, artifactDir?: string): Promise<void>;
  /** Copies a local folder's content (recursively) under `artifactDir`. */
  putArtifactDir(runId: string, localDir: string, artifactDir?: string): Promise<void>;
  /** The direct children of `path` ('' = the root), folders and files. */
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;
  getArtifact(runId: string, artifactPath: string): Promise<Uint8Array>;

  /** Releases connections and handles. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** MLflow's RunStatus enum values, as the FileStore writes them in meta.yaml. */
export const RUN_STATUS_CODES: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 };

export const TERMINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/** Tags MLflow itself reads. */
export const MLFLOW_TAGS = {
  runName: 'mlflow.runName',
  parentRunId: 'mlflow.parentRunId',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  note: 'mlflow.note.content',
  datasetContext: 'mlflow.data.context',
} as const;
