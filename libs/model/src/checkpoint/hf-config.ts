import { WorkbenchError, didYouMeanSuffix, isPlainObject } from '@workbench/core';
import { validateTransformerConfig, type TransformerConfig } from '../transformer/transformer-config.ts';

/** The `model_type` values this loader understands. */
export const SUPPORTED_MODEL_TYPES = ['bert', 'roberta'] as const;

/** config.json as transformers writes it (only the keys we read are typed). */
export type HfConfigJson = Record<string, unknown>;

/** transformers' BertConfig / RobertaConfig class defaults, used for keys a config.json leaves out. */
const HF_DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  position_embedding_type: 'absolute',
};

/** Reads an encoder config from a parsed config.json, naming `file` and the key on any unsupported value. */
export function configFromHf(json: unknown, file: string, seed = 0): Required<TransformerConfig> {
  const fail = (message: string, path?: string): never => {
    throw new WorkbenchError('CHECKPOINT_INVALID', message, { where: { file, path } });
  };
  if (!isPlainObject(json)) return fail('config.json is not a JSON object');
  const modelType = json['model_type'];
  if (typeof modelType !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    return fail(
      `unsupported model_type ${JSON.stringify(modelType)}${typeof modelType === 'string' ? didYouMeanSuffix(modelType, SUPPORTED_MODEL_TYPES) : ''}; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
      'model_type',
    );
  }
  const get = <K extends keyof typeof HF_DEFAULTS>(key: K): (typeof HF_DEFAULTS)[K] => {
    const v = json[key] ?? HF_DEFAULTS[key];
    if (typeof v !== typeof HF_DEFAULTS[key]) fail(`${key} must be a ${typeof HF_DEFAULTS[key]}, got ${JSON.stringify(v)}`, key);
    return v as (typeof HF_DEFAULTS)[K];
  };
  if (get('hidden_act') !== 'gelu') fail(`hidden_act ${JSON.stringify(json['hidden_act'])} is not supported; only the exact erf "gelu" is implemented`, 'hidden_act');
  if (get('position_embedding_type') !== 'absolute') {
    fail(`position_embedding_type ${JSON.stringify(json['position_embedding_type'])} is not supported; only "absolute" is implemented`, 'position_embedding_type');
  }
  const pad = json['pad_token_id'] ?? (modelType === 'roberta' ? 1 : 0);
  if (typeof pad !== 'number') fail(`pad_token_id must be a number, got ${JSON.stringify(pad)}`, 'pad_token_id');
  const config: Required<TransformerConfig> = {
    modelType: modelType as 'bert' | 'roberta',
    vocabSize: get('vocab_size'),
    hiddenSize: get('hidden_size'),
    numLayers: get('num_hidden_layers'),
    numHeads: get('num_attention_heads'),
    intermediateSize: get('intermediate_size'),
    maxPositions: get('max_position_embeddings'),
    typeVocabSize: get('type_vocab_size'),
    layerNormEps: get('layer_norm_eps'),
    hiddenDropout: get('hidden_dropout_prob'),
    attentionDropout: get('attention_probs_dropout_prob'),
    padTokenId: pad as number,
    initializerRange: get('initializer_range'),
    seed,
  };
  try {
    validateTransformerConfig(config);
  } catch (e) {
    throw e instanceof WorkbenchError ? new WorkbenchError('CHECKPOINT_INVALID', e.reason, { where: { file, path: e.where?.path } }) : e;
  }
  return config;
}

/** Label names of a classification config (id2label), or generated LABEL_i names. */
export function labelNames(json: HfConfigJson, numLabels: number): string[] {
  const id2label = isPlainObject(json['id2label']) ? (json['id2label'] as Record<string, unknown>) : {};
  return Array.from({ length: numLabels }, (_, i) => (typeof id2label[String(i)] === 'string' ? (id2label[String(i)] as string) : `LABEL_${i}`));
}

export interface HfConfigExtras {
  /** The config.json the model was loaded from: unknown keys (id2label, bos/eos ids...) are carried over. */
  base?: HfConfigJson;
  /** Number of classifier outputs, when the model has a classifier head. */
  numLabels?: number;
  problemType?: 'multi_label_classification' | 'single_label_classification';
}

/**
 * The config.json of a model, as transformers writes it (keys sorted, 2-space indent, trailing newline), so
 * `from_pretrained` rebuilds the same architecture.
 */
export function configToHf(c: Required<TransformerConfig>, extras: HfConfigExtras = {}): string {
  const cls = c.modelType === 'roberta' ? 'Roberta' : 'Bert';
  const out: HfConfigJson = { ...(extras.base ?? {}) };
  Object.assign(out, {
    architectures: [extras.numLabels ? `${cls}ForSequenceClassification` : `${cls}Model`],
    model_type: c.modelType,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: c.hiddenDropout,
    attention_probs_dropout_prob: c.attentionDropout,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    initializer_range: c.initializerRange,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
  });
  out['transformers_version'] ??= '4.30.0';
  out['classifier_dropout'] ??= null;
  out['use_cache'] ??= true;
  if (extras.numLabels) {
    const names = labelNames(extras.base ?? {}, extras.numLabels);
    out['id2label'] = Object.fromEntries(names.map((n, i) => [String(i), n]));
    out['label2id'] = Object.fromEntries(names.map((n, i) => [n, i]));
    if (extras.problemType) out['problem_type'] = extras.problemType;
  } else {
    delete out['id2label'];
    delete out['label2id'];
    delete out['problem_type'];
  }
  return `${JSON.stringify(sortKeys(out), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
