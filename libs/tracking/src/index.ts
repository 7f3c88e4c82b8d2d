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
export { MLFLOW_LIMITS, validateKey, validateBatch, paramChangedError, checkParamsUnchanged } from './validation.ts';
export type { KeyKind } from './validation.ts';
