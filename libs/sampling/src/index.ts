// Public API of @workbench/sampling.
export { roundHalfEven, roundHalfUp, ROUNDING } from './round-half-even.ts';
export type { Rounding } from './round-half-even.ts';
export { SCENARIOS, DEFAULT_SCENARIO, resolveScenario, removalRatio } from './scenario.ts';
export type { ScenarioConfig, ResolvedScenario } from './scenario.ts';
export { applyScenario, REFERENCE_CHUNK_ROWS } from './apply-scenario.ts';
export type { ScenarioResult, LabelKept, ApplyScenarioOptions } from './apply-scenario.ts';
export { weightedSampleWithoutReplacement } from './weighted-sample.ts';
export type { BatchSampler } from './batch-sampler.ts';
export { LabelBalancedCycleSampler, DEFAULT_LABEL_BALANCED_CYCLE } from './label-balanced-cycle-sampler.ts';
export type { LabelBalancedCycleConfig } from './label-balanced-cycle-sampler.ts';
export { RandomBatchSampler, DEFAULT_RANDOM_BATCH } from './random-batch-sampler.ts';
export type { RandomBatchConfig } from './random-batch-sampler.ts';
export { PerLabelPositiveSampler } from './per-label-positive-sampler.ts';
export { iterativeStratification } from './iterative-stratification.ts';
export { trainValidationSplit, carveValidation, DEFAULT_VALIDATION_SPLIT } from './train-validation-split.ts';
export type { ValidationSplitConfig, TrainValidationSplit } from './train-validation-split.ts';
