import { resolveConfig, WorkbenchError, type DeepPartial, type Rng } from '@workbench/core';
import { IGNORE_INDEX } from './masked-cross-entropy.ts';

export interface BertMaskingConfig {
  /** Probability that a maskable token is selected for prediction. */
  probability?: number;
  /** Of the selected tokens: the fraction replaced by [MASK]... */
  maskFraction?: number;
  /** ...the fraction replaced by a random non-special token (the rest is kept unchanged). */
  randomFraction?: number;
}

/** BERT (Devlin et al. 2019) and HF DataCollatorForLanguageModeling: 15%; 80% [MASK], 10% random, 10% kept. */
export const DEFAULT_BERT_MASKING: Required<BertMaskingConfig> = { probability: 0.15, maskFraction: 0.8, randomFraction: 0.1 };

export interface MaskingVocabulary {
  vocabSize: number;
  maskId: number;
  padId: number;
  /** Never selected, never drawn as a random replacement ([CLS], [SEP], [PAD], [UNK], [MASK]...). */
  specialIds: ReadonlySet<number>;
}

/**
 * BERT's masking of a batch of ids (row-major; `attentionMask` 0 marks padding, which is never selected either).
 * Each maskable token is selected independently with `probability` (a Bernoulli draw, as HF); a selected token
 * becomes [MASK] with probability maskFraction, a uniformly drawn non-special id with randomFraction, else stays.
 * `labels` holds the original id where selected and -100 elsewhere. Deterministic given `rng`.
 * Unlike HF, random replacements never draw a special id (HF draws from the whole vocabulary).
 */
export function maskTokens(
  inputIds: Int32Array,
  vocab: MaskingVocabulary,
  rng: Rng,
  options: { attentionMask?: ArrayLike<number>; config?: DeepPartial<BertMaskingConfig> } = {},
): { inputIds: Int32Array; labels: Int32Array } {
  const c = resolveConfig(DEFAULT_BERT_MASKING, options.config, { where: { path: 'masking' } });
  for (const key of ['probability', 'maskFraction', 'randomFraction'] as const) {
    if (!(c[key] >= 0 && c[key] <= 1)) throw new WorkbenchError('CONFIG_TYPE', `${key} must be in [0, 1], got ${c[key]}`, { where: { path: `masking.${key}` } });
  }
  if (c.maskFraction + c.randomFraction > 1) {
    throw new WorkbenchError('CONFIG_INVALID', `maskFraction + randomFraction must be <= 1, got ${c.maskFraction} + ${c.randomFraction}`, { where: { path: 'masking' } });
  }
  if (vocab.specialIds.size >= vocab.vocabSize) throw new WorkbenchError('CONFIG_INVALID', 'the vocabulary has no non-special token to draw');
  const ids = inputIds.slice();
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  const mask = options.attentionMask;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id === vocab.padId || vocab.specialIds.has(id) || (mask !== undefined && mask[i] === 0)) continue;
    if (rng.next() >= c.probability) continue;
    labels[i] = id;
    const u = rng.next();
    if (u < c.maskFraction) ids[i] = vocab.maskId;
    else if (u < c.maskFraction + c.randomFraction) ids[i] = randomNonSpecial(vocab, rng);
  }
  return { inputIds: ids, labels };
}

function randomNonSpecial(vocab: MaskingVocabulary, rng: Rng): number {
  for (;;) {
    const id = rng.int(vocab.vocabSize);
    if (!vocab.specialIds.has(id)) return id;
  }
}
