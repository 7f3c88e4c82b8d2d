import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { checkLabelWeights, logitsAndLabels, optionalLike } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { ELEMENTWISE_REDUCTIONS, reduceElementwise, type ElementwiseReduction } from './reduce-elementwise.ts';
import { bceWithLogits } from './stable-math.ts';

export interface BceConfig {
  /** `mean` over counted entries (PyTorch's default) or `label-sum` (per-label mean, summed over labels). */
  reduction?: ElementwiseReduction;
  /** Multiplies the loss. */
  weight?: number;
}

export const DEFAULT_BCE: Required<BceConfig> = { reduction: 'mean', weight: 1 };

/**
 * Binary cross-entropy with logits, numerically stable for any logit. Reads `logits` and `labels` [B, L]; optional
 * `mask` [B, L] (entries with 0 are ignored; all-masked gives 0) and `labelWeights` [L] or [B, L].
 */
export function bceLoss(inputs: LossInputs, config: Required<BceConfig> = DEFAULT_BCE): LossResult {
  return tf.tidy(() => {
    const { logits, labels } = logitsAndLabels(inputs, 'bce');
    const mask = optionalLike(inputs, 'mask', logits, 'bce');
    checkLabelWeights(inputs.labelWeights, logits, 'bce');
    const values = bceWithLogits(logits, labels) as tf.Tensor2D;
    return reduceElementwise(values, { mask, weights: inputs.labelWeights, reduction: config.reduction, scale: config.weight });
  });
}

export const BCE_LOSS: LossDefinition<BceConfig> = {
  name: 'bce',
  description: 'binary cross-entropy with logits (stable), optional mask and per-label weights',
  defaults: DEFAULT_BCE,
  requiredInputs: ['logits', 'labels'],
  optionalInputs: ['mask', 'labelWeights'],
  resolve: makeResolver(DEFAULT_BCE, (c, where) => {
    checkOneOf(c.reduction, ELEMENTWISE_REDUCTIONS, 'reduction', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: bceLoss,
};
