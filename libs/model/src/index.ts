// Public API of @workbench/model.
export type { Encoder, Head } from './encoder.ts';
// Transformer encoders (BERT, RoBERTa).
export { TransformerEncoder, ATTENTION_MASK_FILL } from './transformer/transformer-encoder.ts';
export type { TransformerOutput, ForwardInputs } from './transformer/transformer-encoder.ts';
export { DEFAULT_TRANSFORMER_CONFIG, TRANSFORMER_PRESETS, resolveTransformerConfig, validateTransformerConfig, maxSequenceLength } from './transformer/transformer-config.ts';
export type { TransformerConfig } from './transformer/transformer-config.ts';
export { transformerParameterSpecs, parameterCount } from './transformer/parameter-specs.ts';
export type { ParameterSpec } from './transformer/parameter-specs.ts';
export { gelu } from './transformer/gelu.ts';
export { layerNorm } from './transformer/layer-norm.ts';
export { robertaPositionIds } from './transformer/position-ids.ts';
// Hugging Face checkpoints (safetensors).
export { parseSafetensors, serializeSafetensors, entryToFloat32, SAFETENSORS_DTYPES } from './checkpoint/safetensors.ts';
export type { SafetensorsDtype, SafetensorsEntry, SafetensorsFile, SafetensorsInput } from './checkpoint/safetensors.ts';
export { loadHfModel } from './checkpoint/load-hf-model.ts';
export type { LoadHfModelOptions } from './checkpoint/load-hf-model.ts';
export { saveHfModel } from './checkpoint/save-hf-model.ts';
export { ClassifierHead } from './checkpoint/classifier-head.ts';
export { SUPPORTED_MODEL_TYPES, configFromHf, configToHf, labelNames } from './checkpoint/hf-config.ts';
export type { HfModel, LoadedHfModel } from './checkpoint/hf-model.ts';
export { benchTransformer, tfjsAdam, DEFAULT_TRANSFORMER_BENCH } from './transformer/bench-transformer.ts';
export type { TransformerBenchOptions, TransformerBenchResult, BenchOptimizer, KernelTime } from './transformer/bench-transformer.ts';
