import { Registry, WorkbenchError, resolveConfig, type ErrorLocation } from '@workbench/core';

/** The architecture of a BERT or RoBERTa encoder (Hugging Face's config.json, in camelCase). */
export interface TransformerConfig {
  /** 'bert' (positions 0..T-1, token types) or 'roberta' (positions from the input ids, start at padTokenId + 1). */
  modelType?: 'bert' | 'roberta';
  vocabSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  numHeads?: number;
  /** Feed-forward width (HF intermediate_size). */
  intermediateSize?: number;
  /** Rows of the position table (HF max_position_embeddings; RoBERTa reserves padTokenId + 1 of them). */
  maxPositions?: number;
  typeVocabSize?: number;
  layerNormEps?: number;
  hiddenDropout?: number;
  attentionDropout?: number;
  padTokenId?: number;
  /** Standard deviation of the normal initialisation of every weight matrix and embedding. */
  initializerRange?: number;
  /** Root seed of initialisation and dropout. */
  seed?: number;
}

export const DEFAULT_TRANSFORMER_CONFIG: Required<TransformerConfig> = {
  modelType: 'bert',
  vocabSize: 30522,
  hiddenSize: 128,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 512,
  maxPositions: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  hiddenDropout: 0.1,
  attentionDropout: 0.1,
  padTokenId: 0,
  initializerRange: 0.02,
  seed: 0,
};

/** Size presets: heads = hidden / 64, ffn = 4 x hidden (the BERT miniatures of Turc et al., 2019). */
export const TRANSFORMER_PRESETS = new Registry<TransformerConfig>('transformer preset')
  .register('tiny', sized(2, 128))
  .register('mini', sized(4, 256))
  .register('small', sized(4, 512))
  .register('base', sized(12, 768));

function sized(numLayers: number, hiddenSize: number): TransformerConfig {
  return { numLayers, hiddenSize, numHeads: hiddenSize / 64, intermediateSize: 4 * hiddenSize };
}

/** RoBERTa's conventions, applied under a user's overrides when modelType is 'roberta'. */
const ROBERTA_DEFAULTS: TransformerConfig = { typeVocabSize: 1, layerNormEps: 1e-5, padTokenId: 1, maxPositions: 514, vocabSize: 50265 };

/**
 * A complete config from a preset name and a user's partial overrides (unknown keys rejected with a
 * did-you-mean), validated as a whole: hidden divisible by heads, positive sizes, dropout in [0, 1).
 */
export function resolveTransformerConfig(preset: string | undefined, overrides: unknown = {}, where?: ErrorLocation): Required<TransformerConfig> {
  const fromPreset = preset === undefined ? {} : TRANSFORMER_PRESETS.get(preset, where);
  const partial = resolveConfig<TransformerConfig>(DEFAULT_TRANSFORMER_CONFIG, overrides, { where });
  const typed = (overrides ?? {}) as TransformerConfig;
  const family = (typed.modelType ?? 'bert') === 'roberta' ? ROBERTA_DEFAULTS : {};
  // Precedence: explicit overrides > family conventions > preset sizes > defaults.
  const config = { ...DEFAULT_TRANSFORMER_CONFIG, ...fromPreset, ...family, ...pickDefined(typed), modelType: partial.modelType };
  validateTransformerConfig(config, where);
  return config;
}

function pickDefined(o: TransformerConfig): TransformerConfig {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as TransformerConfig;
}

export function validateTransformerConfig(c: Required<TransformerConfig>, where?: ErrorLocation): void {
  const fail = (path: string, message: string): never => {
    throw new WorkbenchError('CONFIG_INVALID', message, { where: { ...where, path } });
  };
  if (c.modelType !== 'bert' && c.modelType !== 'roberta') fail('modelType', `modelType must be 'bert' or 'roberta', got '${String(c.modelType)}'`);
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'intermediateSize', 'maxPositions', 'typeVocabSize'] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) fail(key, `${key} must be a positive integer, got ${c[key]}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) fail('numHeads', `hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}`);
  for (const key of ['hiddenDropout', 'attentionDropout'] as const) {
    if (!(c[key] >= 0 && c[key] < 1)) fail(key, `${key} must be in [0, 1), got ${c[key]}`);
  }
  if (!(c.layerNormEps > 0)) fail('layerNormEps', `layerNormEps must be > 0, got ${c.layerNormEps}`);
  if (!Number.isInteger(c.padTokenId) || c.padTokenId < 0 || c.padTokenId >= c.vocabSize) {
    fail('padTokenId', `padTokenId must be an id in [0, ${c.vocabSize}), got ${c.padTokenId}`);
  }
  if (c.modelType === 'roberta' && c.maxPositions <= c.padTokenId + 1) {
    fail('maxPositions', `RoBERTa needs more than padTokenId + 1 = ${c.padTokenId + 1} position rows, got ${c.maxPositions}`);
  }
}

/** The longest sequence a config accepts: RoBERTa's first padTokenId + 1 position rows are reserved. */
export function maxSequenceLength(c: Required<TransformerConfig>): number {
  return c.modelType === 'roberta' ? c.maxPositions - c.padTokenId - 1 : c.maxPositions;
}
