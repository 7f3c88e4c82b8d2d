// Public API of @workbench/losses.
export type { LossDefinition, LossInputName, LossInputs, LossResult } from './loss-types.ts';
export { LOSSES, createLoss } from './loss-registry.ts';
export type { ConfiguredLoss } from './loss-registry.ts';
export { ELEMENTWISE_REDUCTIONS, reduceElementwise } from './reduce-elementwise.ts';
export type { ElementwiseReduction, ReduceOptions } from './reduce-elementwise.ts';
export { EMPTY_POSITIVES } from './empty-positives.ts';
export type { EmptyPositives } from './empty-positives.ts';
export { logSigmoid, bceWithLogits, binaryEntropyFromLogits, safeSqrt, maskedColumnMean, maskedColumnLogMeanExp } from './stable-math.ts';
export { stopGradient } from './stop-gradient.ts';
export { BCE_LOSS, DEFAULT_BCE, bceLoss } from './bce-loss.ts';
export type { BceConfig } from './bce-loss.ts';
export { ASSUME_NEGATIVE_BCE_LOSS, DEFAULT_ASSUME_NEGATIVE_BCE, assumeNegativeBceLoss } from './assume-negative-bce-loss.ts';
export type { AssumeNegativeBceConfig } from './assume-negative-bce-loss.ts';
export { VPU_LOSS, DEFAULT_VPU, vpuLoss } from './vpu-loss.ts';
export type { VpuConfig } from './vpu-loss.ts';
