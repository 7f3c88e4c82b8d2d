// Public API of @workbench/core.
export { Rng, createRng } from './rng.ts';
export { canonicalJson, configHash, sha256Hex, shortHash, pickPaths } from './canonical-json.ts';
export { WorkbenchError, ERROR_CODES, formatLocation, isWorkbenchError, invariant } from './errors.ts';
export type { ErrorCode, ErrorLocation, WorkbenchErrorOptions } from './errors.ts';
export { resolveConfig, parseSetValue, parseSetFlags, setPath, getPath, deepMerge, flattenConfig } from './config.ts';
export type { Defaults, DeepPartial, ResolveOptions } from './config.ts';
export { editDistance, didYouMean, didYouMeanSuffix } from './did-you-mean.ts';
export { Registry } from './registry.ts';
export type { RunLogger, RunStatus, MetricPoint, ParamValue, DatasetInput } from './run-logger.ts';
export { MemoryRunLogger } from './memory-run-logger.ts';
export type { TaskType, TaskSpec, DatasetRow, DatasetSplit } from './dataset-types.ts';
export { isPlainObject } from './plain-object.ts';
