import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { EMPTY_POSITIVES, type EmptyPositives } from './empty-positives.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { puSplit } from './pu-split.ts';
import { maskedColumnMean, safeSqrt } from './stable-math.ts';

export interface DallmiNormConfig {
  /**
   * A label without observed positives in the batch. Default `keep-u-term`: the P-term is the empty sum's
   * sqrt, 0, and mean_U s still counts, as in the public reference code; `skip-label` drops the label.
   */
  emptyPositives?: EmptyPositives;
  weight?: number;
}

export const DEFAULT_DALLMI_NORM: Required<DallmiNormConfig> = { emptyPositives: 'keep-u-term', weight: 1 };

/**
 * DALLMi's norm-based variational loss, per label and summed over labels:
 *   L_l = mean_{U_l} s - sqrt(sum_{P_l} s^2),   s = sigmoid(logit).
 * The P-term is the L2 norm of the positives' scores, NOT divided by |P| (as in the paper and its code), so
 * its weight grows with the number of positives in the batch. U empty: the U-term is 0. P empty: the P-term
 * is 0 (see `emptyPositives`). The sqrt has a zero gradient at 0 instead of an infinite one.
 * Reads `logits`, `labels` [B, L] (1 = observed positive); optional `mask`.
 * Parts: `uTerm` and `pTerm` (sums over labels; the loss is uTerm - pTerm) and `activeLabels`.
 */
export function dallmiNormLoss(inputs: LossInputs, config: Required<DallmiNormConfig> = DEFAULT_DALLMI_NORM): LossResult {
  return tf.tidy(() => {
    const { logits, p, u, hasP } = puSplit(inputs, 'dallmi-norm');
    const s = tf.sigmoid(logits) as tf.Tensor2D;
    const active = config.emptyPositives === 'skip-label' ? tf.cast(hasP, 'float32') : tf.ones([logits.shape[1]]);
    // maskedColumnMean is 0 for an empty U; safeSqrt(0) is 0 for an empty P.
    const uTerm = tf.mul(maskedColumnMean(s, u), active);
    const pTerm = tf.mul(safeSqrt(tf.sum(tf.mul(tf.square(s), p), 0)), active);
    const perLabel = tf.mul(tf.sub(uTerm, pTerm), config.weight) as tf.Tensor1D;
    return {
      loss: tf.sum(perLabel) as tf.Scalar,
      perLabel,
      parts: { uTerm: tf.sum(uTerm) as tf.Scalar, pTerm: tf.sum(pTerm) as tf.Scalar, activeLabels: tf.sum(active) as tf.Scalar },
    };
  });
}

export const DALLMI_NORM_LOSS: LossDefinition<DallmiNormConfig> = {
  name: 'dallmi-norm',
  description: "DALLMi's norm-form variational loss: mean_U s - sqrt(sum_P s^2) per label, summed over labels",
  defaults: DEFAULT_DALLMI_NORM,
  requiredInputs: ['logits', 'labels'],
  optionalInputs: ['mask'],
  resolve: makeResolver(DEFAULT_DALLMI_NORM, (c, where) => {
    checkOneOf(c.emptyPositives, EMPTY_POSITIVES, 'emptyPositives', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: dallmiNormLoss,
};
