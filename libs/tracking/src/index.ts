// Public API of @workbench/tracking.
export { DEFAULT_TRACKING_URI, DEFAULT_ARTIFACT_ROOT, resolveTrackingUri, parseTrackingUri } from './tracking-uri.ts';
export type { ResolvedTrackingUri, ParsedTrackingUri } from './tracking-uri.ts';
export { RUN_STATUS_CODES, TERMINAL_STATUSES, MLFLOW_TAGS } from './store.ts';
export type {
  TrackingStore,
  Experiment,
  Run,
  RunInfo,
  RunData,
  RunDatasetInput,
  CreateRunOptions,
  RunUpdate,
  LogBatch,
  ParamEntry,
  RunSearch,
  RunPage,
  ArtifactEntry,
  LifecycleStage,
  ViewType,
} from './store.ts';
export { MLFLOW_LIMITS, validateKey, validateBatch, validateExperimentTag, paramChangedError, checkParamsUnchanged } from './validation.ts';
export type { KeyKind } from './validation.ts';
export { STORE_SCHEMES, openStore } from './open-store.ts';
export type { StoreFactory, StoreOpenContext, OpenStoreOptions } from './open-store.ts';
export { Tracker, DEFAULT_HEARTBEAT_MS, defaultUserId } from './tracker.ts';
export type { TrackerOptions, StartRunOptions } from './tracker.ts';
export { StoreRunLogger } from './store-run-logger.ts';
export { HEARTBEAT_TAGS, markDeadRuns } from './heartbeat.ts';
export type { DeadRun, MarkDeadRunsOptions } from './heartbeat.ts';
export { SQL_INFINITY, sqlMetricValue } from './sql-metric-value.ts';
export { pythonFloatRepr, parsePythonFloat } from './python-float.ts';
export { encodePageToken, decodePageToken } from './page-token.ts';
export { RestStore } from './rest/rest-store.ts';
export type { RestStoreOptions } from './rest/rest-store.ts';
export { MlflowRestClient, CREATE_KEY_TAG } from './rest/mlflow-rest-client.ts';
export { MlflowRestError, isMlflowRestError } from './rest/mlflow-rest-error.ts';
export { DEFAULT_REST_RETRY } from './rest/rest-retry.ts';
export type { RestRetryConfig } from './rest/rest-retry.ts';
export { DEFAULT_SPOOL_DIR, resolveSpoolDir, SpoolFile } from './rest/spool.ts';
export { syncSpool, syncSpoolFile } from './rest/spool-sync.ts';
export type { SpoolSyncReport, SpoolSyncOptions } from './rest/spool-sync.ts';
export { TrackingReader } from './reader.ts';
export type { FindRunsOptions } from './reader.ts';
export { WORKBENCH_TAGS, RUN_ARTIFACTS, recordRunMetadata, runToCompletion, readGitState, configParams } from './run-metadata.ts';
export type { RunMetadata, RecordedMetadata, GitState } from './run-metadata.ts';
