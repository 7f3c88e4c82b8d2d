// Public API of @workbench/model.
export type { Encoder, Head } from './encoder.ts';
// Bag-of-n-grams encoder (fastText-style).
export { NgramEncoder, DEFAULT_NGRAM_ENCODER, maskedMean } from './ngram/ngram-encoder.ts';
export type { NgramEncoderConfig } from './ngram/ngram-encoder.ts';
export { inverseDocumentFrequency, tfidfPositionWeights } from './ngram/inverse-document-frequency.ts';
export { HashingWordTokenizer, DEFAULT_HASHING_WORD_TOKENIZER, NGRAM_SPECIAL_IDS, padIds } from './ngram/hashing-word-tokenizer.ts';
export type { HashingWordTokenizerConfig, WordBatch } from './ngram/hashing-word-tokenizer.ts';
// Heads.
export { createLinear, applyLinear } from './heads/linear-layer.ts';
export { ClassificationHead, MultiLabelHead, MultiClassHead, TokenTaggingHead, DEFAULT_CLASSIFICATION_HEAD } from './heads/classification-head.ts';
export type { ClassificationHeadConfig } from './heads/classification-head.ts';
export { MaskedLmHead, DEFAULT_MASKED_LM_HEAD } from './heads/masked-lm-head.ts';
export type { MaskedLmHeadConfig } from './heads/masked-lm-head.ts';
export { maskTokens, DEFAULT_BERT_MASKING } from './heads/bert-masking.ts';
export type { BertMaskingConfig, MaskingVocabulary } from './heads/bert-masking.ts';
export { maskedCrossEntropy, IGNORE_INDEX } from './heads/masked-cross-entropy.ts';
// Training utilities.
export { AdamW, DEFAULT_ADAMW } from './training/adamw.ts';
export type { AdamWConfig } from './training/adamw.ts';
export { linearWarmupDecay, linearScheduleFromRatio } from './training/lr-schedule.ts';
export { globalGradNorm, clipByGlobalNorm } from './training/clip-grad-norm.ts';
export { computeGradients } from './training/compute-gradients.ts';
export type { LossFn, Gradients } from './training/compute-gradients.ts';
export { GradientAccumulator } from './training/gradient-accumulator.ts';
export { trainStep } from './training/train-step.ts';
export type { TrainStepOptions, TrainStepResult } from './training/train-step.ts';
export { assertFiniteLoss } from './training/check-finite-loss.ts';
export { SparseEmbedding } from './training/sparse-embedding.ts';
export { withSparseTape } from './training/sparse-gradient-tape.ts';
export type { SparseParameter } from './training/sparse-gradient-tape.ts';
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
// Reference baseline.
export { TfidfLogReg, DEFAULT_TFIDF_LOGREG } from './baselines/tfidf-logreg.ts';
export type { TfidfLogRegConfig, LabelFit } from './baselines/tfidf-logreg.ts';
export { TfidfVectorizer, DEFAULT_TFIDF } from './baselines/tfidf-vectorizer.ts';
export type { TfidfConfig, SparseRows } from './baselines/tfidf-vectorizer.ts';
export { lbfgs } from './baselines/lbfgs.ts';
export type { LbfgsOptions, LbfgsResult } from './baselines/lbfgs.ts';
// GPT-2 style causal decoder and its Hugging Face checkpoints.
export { Gpt2Decoder } from './decoder/gpt2-decoder.ts';
export { DEFAULT_DECODER_CONFIG, DECODER_PRESETS, resolveDecoderConfig, validateDecoderConfig } from './decoder/decoder-config.ts';
export type { DecoderConfig } from './decoder/decoder-config.ts';
export { decoderParameterSpecs, decoderParameterCount } from './decoder/decoder-parameter-specs.ts';
export type { DecoderParameterSpec } from './decoder/decoder-parameter-specs.ts';
export { geluNew } from './decoder/gelu-new.ts';
export { saveGpt2Model, loadGpt2Model } from './decoder/gpt2-checkpoint.ts';
export type { LoadedGpt2 } from './decoder/gpt2-checkpoint.ts';
export { decoderConfigFromHf, decoderConfigToHf } from './decoder/gpt2-hf-config.ts';
