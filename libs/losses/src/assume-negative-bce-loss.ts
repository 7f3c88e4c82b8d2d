import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { checkLabelWeights, logitsAndLabels, optionalLike } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { ELEMENTWISE_REDUCTIONS, reduceElementwise, type ElementwiseReduction } from './reduce-elementwise.ts';
import { bceWithLogits } from './stable-math.ts';

export interface AssumeNegativeBceConfig {
  reduction?: ElementwiseReduction;
  /**
   * Weight of the entries assumed negative. 1 is "assume negative" (AN, the partial-supervised baseline);
   * Cole et al. (2021)'s "weak AN" uses 1/(L-1).
   */
  unobservedWeight?: number;
  /** Label smoothing of every target, y -> y(1-eps) + eps/2 (Cole et al.'s AN-LS uses 0.1). */
  labelSmoothing?: number;
  weight?: number;
}

export const DEFAULT_ASSUME_NEGATIVE_BCE: Required<AssumeNegativeBceConfig> = {
  reduction: 'mean',
  unobservedWeight: 1,
  labelSmoothing: 0,
  weight: 1,
};

/**
 * BCE for partial labels with every unobserved entry taken as a negative. Reads `logits` and `labels` [B, L]
 * (1 = observed positive). Optional `observed` [B, L] says which entries are known (positive or negative);
 * without it every 0 of `labels` is unobserved, which is the DALLMi setting (hidden positives are stored as 0).
 * Optional `mask` and `labelWeights` as in `bce`.
 */
export function assumeNegativeBceLoss(inputs: LossInputs, config: Required<AssumeNegativeBceConfig> = DEFAULT_ASSUME_NEGATIVE_BCE): LossResult {
  return tf.tidy(() => {
    const { logits, labels } = logitsAndLabels(inputs, 'assume-negative-bce');
    const mask = optionalLike(inputs, 'mask', logits, 'assume-negative-bce');
    const observed = optionalLike(inputs, 'observed', logits, 'assume-negative-bce') ?? labels;
    checkLabelWeights(inputs.labelWeights, logits, 'assume-negative-bce');
    // Unobserved entries: target 0 whatever `labels` holds there.
    const targets = tf.mul(labels, observed);
    const eps = config.labelSmoothing;
    const smoothed = eps === 0 ? targets : tf.add(tf.mul(targets, 1 - eps), eps / 2);
    const entryWeight = tf.add(observed, tf.mul(tf.sub(1, observed), config.unobservedWeight));
    const weights = inputs.labelWeights === undefined ? entryWeight : tf.mul(entryWeight, inputs.labelWeights);
    const values = bceWithLogits(logits, smoothed) as tf.Tensor2D;
    return reduceElementwise(values, { mask, weights, reduction: config.reduction, scale: config.weight });
  });
}

export const ASSUME_NEGATIVE_BCE_LOSS: LossDefinition<AssumeNegativeBceConfig> = {
  name: 'assume-negative-bce',
  description: 'BCE on partial labels with unobserved entries as negatives (optionally down-weighted or smoothed)',
  defaults: DEFAULT_ASSUME_NEGATIVE_BCE,
  requiredInputs: ['logits', 'labels'],
  optionalInputs: ['observed', 'mask', 'labelWeights'],
  resolve: makeResolver(DEFAULT_ASSUME_NEGATIVE_BCE, (c, where) => {
    checkOneOf(c.reduction, ELEMENTWISE_REDUCTIONS, 'reduction', where);
    checkRange(c.unobservedWeight, 'unobservedWeight', { min: 0 }, where);
    checkRange(c.labelSmoothing, 'labelSmoothing', { min: 0, max: 1, maxOpen: true }, where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: assumeNegativeBceLoss,
};
