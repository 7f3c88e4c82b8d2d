import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { EMPTY_POSITIVES, type EmptyPositives } from './empty-positives.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { puSplit } from './pu-split.ts';
import { logSigmoid, maskedColumnLogMeanExp, maskedColumnMean } from './stable-math.ts';

export interface VpuConfig {
  /** A label without observed positives in the batch: `skip-label` (default) or `keep-u-term`. */
  emptyPositives?: EmptyPositives;
  weight?: number;
}

export const DEFAULT_VPU: Required<VpuConfig> = { emptyPositives: 'skip-label', weight: 1 };

/**
 * VPU's variational loss (Chen et al. 2020), log form, per label and summed over labels:
 *   L_l = log(mean_{U_l} s) - mean_{P_l} log s,   s = sigmoid(logit).
 * log mean_U s is a log-sum-exp of log-sigmoids and log s a log-sigmoid, so confident logits neither underflow
 * nor produce log 0. U empty: the U-term is 0. P empty: see `emptyPositives` (default: the label contributes 0).
 * Reads `logits`, `labels` [B, L] (1 = observed positive); optional `mask`.
 * Parts: `uTerm` and `pTerm` (sums over the labels that count) and `activeLabels`.
 */
export function vpuLoss(inputs: LossInputs, config: Required<VpuConfig> = DEFAULT_VPU): LossResult {
  return tf.tidy(() => {
    const { logits, p, u, hasP, hasU } = puSplit(inputs, 'vpu');
    const logS = logSigmoid(logits) as tf.Tensor2D;
    const zeros = tf.zeros([logits.shape[1]]);
    const active = config.emptyPositives === 'skip-label' ? hasP : (tf.ones(hasP.shape, 'bool') as tf.Tensor1D);
    const uTerm = tf.where(tf.logicalAnd(hasU, active), maskedColumnLogMeanExp(logS, u), zeros);
    const pTerm = tf.where(active, maskedColumnMean(logS, p), zeros);
    const perLabel = tf.mul(tf.sub(uTerm, pTerm), config.weight) as tf.Tensor1D;
    return {
      loss: tf.sum(perLabel) as tf.Scalar,
      perLabel,
      parts: { uTerm: tf.sum(uTerm) as tf.Scalar, pTerm: tf.sum(pTerm) as tf.Scalar, activeLabels: tf.sum(tf.cast(active, 'float32')) as tf.Scalar },
    };
  });
}

export const VPU_LOSS: LossDefinition<VpuConfig> = {
  name: 'vpu',
  description: 'VPU variational loss, log form: log mean_U s - mean_P log s per label, summed over labels',
  defaults: DEFAULT_VPU,
  requiredInputs: ['logits', 'labels'],
  optionalInputs: ['mask'],
  resolve: makeResolver(DEFAULT_VPU, (c, where) => {
    checkOneOf(c.emptyPositives, EMPTY_POSITIVES, 'emptyPositives', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: vpuLoss,
};
