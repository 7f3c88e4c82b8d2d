// Public API of @workbench/methods.
export { DEFAULT_CELL_CONFIG, CELL_CONFIG_OPEN_PATHS } from './cell-config.ts';
export type { CellConfig, BackboneConfig, OptimConfig, PretrainConfig, ScenarioConfig, MixupConfig, PuMethodConfig, AadConfig, DannConfig, EvalConfig } from './cell-config.ts';
export { PRESETS } from './presets.ts';
export type { Preset } from './presets.ts';
export type { MethodSpec, MethodEnvironment, TargetLabelAccess, StartPoint, Progress } from './method.ts';
export { labelMatrixFromRows, emptyLabelMatrix, getLabel, selectRows, positivesPerLabel, toNested } from './label-matrix.ts';
export type { LabelMatrix } from './label-matrix.ts';
export { StageCache } from './stage-cache.ts';
export { makeTokenBatch, disposeBatch } from './token-batch.ts';
export type { TokenBatch, TokenIds } from './token-batch.ts';
export { MultiLabelClassifier } from './classifier.ts';
