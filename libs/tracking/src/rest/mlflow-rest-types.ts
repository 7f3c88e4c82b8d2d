/**
 * The MLflow 2.x REST payloads the client uses, written from the recorded traffic of a real MLflow 2.17.2
 * server (test/fixtures/rest/*.txt). Field names are MLflow's (snake_case) because these are wire types.
 * Newer MLflow versions only add optional fields, so every field that a server may omit is optional.
 */

export type RestRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type RestLifecycleStage = 'active' | 'deleted';
export type RestViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/**
 * A metric value on the wire. A FileStore backend answers non-finite values with the strings "NaN",
 * "Infinity", "-Infinity"; a SQLite backend stores +/-Infinity as +/-1.7976931348623157e308 and returns that
 * number. The server also accepts numeric strings ("1.5") in requests.
 */
export type RestMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export interface RestKeyValue {
  key: string;
  value: string;
}

export interface RestMetric {
  key: string;
  value: RestMetricValue;
  /** Milliseconds since the epoch. Required by the server. */
  timestamp: number;
  /** Defaults to 0 on the server when omitted. */
  step?: number;
}

export interface RestExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: RestLifecycleStage;
  last_update_time?: number;
  creation_time?: number;
  tags?: RestKeyValue[];
}

export interface RestRunInfo {
  run_id: string;
  /** Deprecated duplicate of run_id, still sent by 2.17. */
  run_uuid?: string;
  experiment_id: string;
  run_name?: string;
  user_id?: string;
  status: RestRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: RestLifecycleStage;
}

export interface RestDataset {
  name: string;
  digest: string;
  source_type: string;
  /** JSON text, e.g. `{"uri": "/data/x.csv"}`. */
  source: string;
  schema?: string;
  profile?: string;
}

export interface RestDatasetInput {
  tags?: RestKeyValue[];
  dataset: RestDataset;
}

export interface RestRun {
  info: RestRunInfo;
  /** Every list is omitted by the server when empty. */
  data?: { metrics?: RestMetric[]; params?: RestKeyValue[]; tags?: RestKeyValue[] };
  inputs?: { dataset_inputs?: RestDatasetInput[] };
}

export interface RestFileInfo {
  path: string;
  is_dir: boolean;
  /** Absent for folders. */
  file_size?: number;
}

// Requests ------------------------------------------------------------------------------------------------

export interface CreateExperimentRequest {
  name: string;
  artifact_location?: string;
  tags?: RestKeyValue[];
}

export interface CreateRunRequest {
  experiment_id: string;
  user_id?: string;
  run_name?: string;
  start_time?: number;
  tags?: RestKeyValue[];
}

export interface UpdateRunRequest {
  run_id: string;
  status?: RestRunStatus;
  end_time?: number;
  run_name?: string;
}

export interface LogBatchRequest {
  run_id: string;
  metrics?: RestMetric[];
  params?: RestKeyValue[];
  tags?: RestKeyValue[];
}

export interface SearchRunsRequest {
  experiment_ids: string[];
  /** MLflow's filter grammar, e.g. `tags.workbench.config_hash = 'abc'`. */
  filter?: string;
  run_view_type?: RestViewType;
  /** At most 50000 (the server rejects more). */
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export interface SearchExperimentsRequest {
  filter?: string;
  max_results?: number;
  order_by?: string[];
  view_type?: RestViewType;
  page_token?: string;
}

// Responses -----------------------------------------------------------------------------------------------

export interface CreateExperimentResponse {
  experiment_id: string;
}
export interface GetExperimentResponse {
  experiment: RestExperiment;
}
export interface SearchExperimentsResponse {
  experiments?: RestExperiment[];
  next_page_token?: string;
}
export interface RunResponse {
  run: RestRun;
}
export interface UpdateRunResponse {
  run_info: RestRunInfo;
}
/** `{}` when no run matches (the page after the last). */
export interface SearchRunsResponse {
  runs?: RestRun[];
  next_page_token?: string;
}
export interface MetricHistoryResponse {
  metrics?: RestMetric[];
  next_page_token?: string;
}
export interface ListArtifactsResponse {
  root_uri?: string;
  files?: RestFileInfo[];
  next_page_token?: string;
}

/** The JSON body of every MLflow error answer (HTML for unknown routes). */
export interface RestErrorBody {
  error_code: string;
  message: string;
}

/** The server's per-request limits of `runs/log-batch` (MLflow 2.x `_validate_batch_log_limits`). */
export const LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  /** metrics + params + tags together. */
  total: 1000,
} as const;

/** The largest page the server accepts for `runs/search`. */
export const SEARCH_RUNS_MAX_RESULTS = 50000;
