import { WorkbenchError, isPlainObject } from '@workbench/core';
import { validateDecoderConfig, type DecoderConfig } from './decoder-config.ts';

/** transformers' GPT2Config class defaults, for keys a config.json leaves out. */
const GPT2_DEFAULTS = {
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  activation_function: 'gelu_new',
  resid_pdrop: 0.1,
  embd_pdrop: 0.1,
  attn_pdrop: 0.1,
  layer_norm_epsilon: 1e-5,
  initializer_range: 0.02,
};

/** A decoder config from a parsed GPT-2 config.json, naming `file` and the key on any unsupported value. */
export function decoderConfigFromHf(json: unknown, file: string, seed = 0): Required<DecoderConfig> {
  const fail = (message: string, path?: string): never => {
    throw new WorkbenchError('CHECKPOINT_INVALID', message, { where: { file, path } });
  };
  if (!isPlainObject(json)) return fail('config.json is not a JSON object');
  if (json['model_type'] !== 'gpt2') fail(`model_type ${JSON.stringify(json['model_type'])} is not 'gpt2'`, 'model_type');
  const get = <K extends keyof typeof GPT2_DEFAULTS>(key: K): (typeof GPT2_DEFAULTS)[K] => {
    const v = json[key] ?? GPT2_DEFAULTS[key];
    if (typeof v !== typeof GPT2_DEFAULTS[key]) fail(`${key} must be a ${typeof GPT2_DEFAULTS[key]}, got ${JSON.stringify(v)}`, key);
    return v as (typeof GPT2_DEFAULTS)[K];
  };
  if (get('activation_function') !== 'gelu_new') fail(`activation_function ${JSON.stringify(json['activation_function'])} is not supported; only "gelu_new" is implemented`, 'activation_function');
  for (const key of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn'] as const) {
    if (json[key] === true) fail(`${key}: true is not supported`, key);
  }
  if (json['scale_attn_weights'] === false) fail('scale_attn_weights: false is not supported', 'scale_attn_weights');
  const hidden = get('n_embd');
  const inner = json['n_inner'] ?? null;
  if (inner !== null && typeof inner !== 'number') fail(`n_inner must be a number or null, got ${JSON.stringify(inner)}`, 'n_inner');
  // GPT-2 has no pad token: right padding then reuses eos (what HF fine-tuning recipes do), else id 0.
  const pad = json['pad_token_id'] ?? json['eos_token_id'] ?? 0;
  if (typeof pad !== 'number') fail(`pad_token_id must be a number, got ${JSON.stringify(pad)}`, 'pad_token_id');
  const config: Required<DecoderConfig> = {
    vocabSize: get('vocab_size'),
    hiddenSize: hidden,
    numLayers: get('n_layer'),
    numHeads: get('n_head'),
    intermediateSize: (inner as number | null) ?? 4 * hidden,
    maxPositions: get('n_positions'),
    layerNormEps: get('layer_norm_epsilon'),
    embeddingDropout: get('embd_pdrop'),
    residualDropout: get('resid_pdrop'),
    attentionDropout: get('attn_pdrop'),
    padTokenId: pad as number,
    initializerRange: get('initializer_range'),
    seed,
  };
  try {
    validateDecoderConfig(config);
  } catch (e) {
    throw e instanceof WorkbenchError ? new WorkbenchError('CHECKPOINT_INVALID', e.reason, { where: { file, path: e.where?.path } }) : e;
  }
  return config;
}

/** The config.json of a decoder as transformers 4.30 writes GPT2Config (keys sorted, 2-space indent). */
export function decoderConfigToHf(c: Required<DecoderConfig>, base: Record<string, unknown> = {}): string {
  const out: Record<string, unknown> = {
    ...base,
    activation_function: 'gelu_new',
    architectures: ['GPT2Model'],
    attn_pdrop: c.attentionDropout,
    embd_pdrop: c.embeddingDropout,
    initializer_range: c.initializerRange,
    layer_norm_epsilon: c.layerNormEps,
    model_type: 'gpt2',
    n_embd: c.hiddenSize,
    n_head: c.numHeads,
    n_inner: c.intermediateSize === 4 * c.hiddenSize ? null : c.intermediateSize,
    n_layer: c.numLayers,
    n_positions: c.maxPositions,
    pad_token_id: c.padTokenId,
    reorder_and_upcast_attn: false,
    resid_pdrop: c.residualDropout,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    torch_dtype: 'float32',
    vocab_size: c.vocabSize,
  };
  out['transformers_version'] ??= '4.30.0';
  out['use_cache'] ??= true;
  const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}
