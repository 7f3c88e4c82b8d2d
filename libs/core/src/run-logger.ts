/**
 * What methods and sweeps see of experiment tracking. Methods and models never import `@workbench/tracking`:
 * they receive a RunLogger. The MLflow stores implement it; `MemoryRunLogger` is the in-process one for
 * tests and for runs that are not tracked.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** A param value as MLflow stores it (a string); numbers and booleans are stringified. */
export type ParamValue = string | number | boolean;

export interface MetricPoint {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

/** An MLflow dataset input (`mlflow.data`): what a run trained or evaluated on. */
export interface DatasetInput {
  name: string;
  /** A content digest (e.g. the first 8+ hex of a SHA-256 over the files). */
  digest: string;
  /** Where it came from, as JSON text (MLflow's `source`). */
  source: string;
  /** MLflow's `source_type`, e.g. 'local'. */
  sourceType: string;
  /** Optional JSON text: schema and profile (row counts). */
  schema?: string;
  profile?: string;
  /** The input tag `mlflow.data.context`, e.g. 'train', 'eval'. */
  context?: string;
}

export interface RunLogger {
  /** The store's id of this run (32 hex chars for MLflow). */
  readonly runId: string;
  readonly experimentId: string;

  logParams(params: Record<string, ParamValue>): Promise<void>;
  logMetric(key: string, value: number, step?: number, timestamp?: number): Promise<void>;
  /** Several metrics at one step and time. */
  logMetrics(metrics: Record<string, number>, step?: number, timestamp?: number): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;

  /** Writes bytes or text as artifact `artifactPath` (e.g. `predictions/test.jsonl`). */
  logArtifactBytes(artifactPath: string, data: Uint8Array | string): Promise<void>;
  /** Copies a local file into the run's artifacts, under `artifactDir` if given. */
  logArtifactFile(localPath: string, artifactDir?: string): Promise<void>;
  /** Copies a local folder's content into the run's artifacts, under `artifactDir` if given. */
  logArtifactDir(localDir: string, artifactDir?: string): Promise<void>;

  logInputs(inputs: DatasetInput[]): Promise<void>;

  /** A child run (tag `mlflow.parentRunId` = this run). */
  startChild(runName: string, tags?: Record<string, string>): Promise<RunLogger>;

  /** Makes everything logged so far durable (spools, buffers). */
  flush(): Promise<void>;
  /** Ends the run with its final status; flushes first. */
  end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>): Promise<void>;
}
