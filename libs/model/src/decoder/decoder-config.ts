import { Registry, WorkbenchError, resolveConfig, type ErrorLocation } from '@workbench/core';

/** The architecture of a GPT-2 style causal decoder (Hugging Face's GPT2Config, in camelCase). */
export interface DecoderConfig {
  vocabSize?: number;
  /** HF n_embd. */
  hiddenSize?: number;
  /** HF n_layer. */
  numLayers?: number;
  /** HF n_head. */
  numHeads?: number;
  /** Feed-forward width (HF n_inner; GPT-2 uses 4 x hidden). */
  intermediateSize?: number;
  /** Rows of the learned position table (HF n_positions). */
  maxPositions?: number;
  layerNormEps?: number;
  /** HF embd_pdrop / resid_pdrop / attn_pdrop. */
  embeddingDropout?: number;
  residualDropout?: number;
  attentionDropout?: number;
  /** The id right-padding uses; pooling reads the last position whose mask is 1, never this id. */
  padTokenId?: number;
  initializerRange?: number;
  seed?: number;
}

export const DEFAULT_DECODER_CONFIG: Required<DecoderConfig> = {
  vocabSize: 50257,
  hiddenSize: 128,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 512,
  maxPositions: 1024,
  layerNormEps: 1e-5,
  embeddingDropout: 0.1,
  residualDropout: 0.1,
  attentionDropout: 0.1,
  padTokenId: 0,
  initializerRange: 0.02,
  seed: 0,
};

/** The same sizes as the encoder presets (heads = hidden / 64, ffn = 4 x hidden), so encoder vs decoder compares like with like. */
export const DECODER_PRESETS = new Registry<DecoderConfig>('decoder preset')
  .register('tiny', sized(2, 128))
  .register('mini', sized(4, 256))
  .register('small', sized(4, 512))
  .register('gpt2', { numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 50257, maxPositions: 1024 });

function sized(numLayers: number, hiddenSize: number): DecoderConfig {
  return { numLayers, hiddenSize, numHeads: hiddenSize / 64, intermediateSize: 4 * hiddenSize };
}

/** A complete config from a preset and a user's partial overrides (unknown keys rejected), validated. */
export function resolveDecoderConfig(preset: string | undefined, overrides: unknown = {}, where?: ErrorLocation): Required<DecoderConfig> {
  const fromPreset = preset === undefined ? {} : DECODER_PRESETS.get(preset, where);
  resolveConfig<DecoderConfig>(DEFAULT_DECODER_CONFIG, overrides, { where });
  const defined = Object.fromEntries(Object.entries((overrides ?? {}) as DecoderConfig).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULT_DECODER_CONFIG, ...fromPreset, ...defined } as Required<DecoderConfig>;
  validateDecoderConfig(config, where);
  return config;
}

export function validateDecoderConfig(c: Required<DecoderConfig>, where?: ErrorLocation): void {
  const fail = (path: string, message: string): never => {
    throw new WorkbenchError('CONFIG_INVALID', message, { where: { ...where, path } });
  };
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'intermediateSize', 'maxPositions'] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) fail(key, `${key} must be a positive integer, got ${c[key]}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) fail('numHeads', `hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}`);
  for (const key of ['embeddingDropout', 'residualDropout', 'attentionDropout'] as const) {
    if (!(c[key] >= 0 && c[key] < 1)) fail(key, `${key} must be in [0, 1), got ${c[key]}`);
  }
  if (!(c.layerNormEps > 0)) fail('layerNormEps', `layerNormEps must be > 0, got ${c.layerNormEps}`);
  if (!Number.isInteger(c.padTokenId) || c.padTokenId < 0 || c.padTokenId >= c.vocabSize) fail('padTokenId', `padTokenId must be an id in [0, ${c.vocabSize}), got ${c.padTokenId}`);
}
