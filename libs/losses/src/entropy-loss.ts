import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { checkLabelWeights, checkRank, optionalLike, requireInput } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { ELEMENTWISE_REDUCTIONS, reduceElementwise, type ElementwiseReduction } from './reduce-elementwise.ts';
import { binaryEntropyFromLogits } from './stable-math.ts';

export interface EntropyConfig {
  reduction?: ElementwiseReduction;
  weight?: number;
}

export const DEFAULT_ENTROPY: Required<EntropyConfig> = { reduction: 'mean', weight: 1 };

/**
 * Binary entropy minimisation (Grandvalet & Bengio 2005) on unlabelled predictions: H(s) = -s log s - (1-s) log(1-s)
 * in nats per entry, from logits without log 0. Reads `logits` [B, L]; optional `mask`, `labelWeights`.
 */
export function entropyLoss(inputs: LossInputs, config: Required<EntropyConfig> = DEFAULT_ENTROPY): LossResult {
  return tf.tidy(() => {
    const logits = requireInput(inputs, 'logits', 'entropy');
    checkRank(logits, 2, 'logits', 'entropy');
    const mask = optionalLike(inputs, 'mask', logits, 'entropy');
    checkLabelWeights(inputs.labelWeights, logits, 'entropy');
    const values = binaryEntropyFromLogits(logits) as tf.Tensor2D;
    return reduceElementwise(values, { mask, weights: inputs.labelWeights, reduction: config.reduction, scale: config.weight });
  });
}

export const ENTROPY_LOSS: LossDefinition<EntropyConfig> = {
  name: 'entropy',
  description: 'binary entropy minimisation of the sigmoid scores (nats)',
  defaults: DEFAULT_ENTROPY,
  requiredInputs: ['logits'],
  optionalInputs: ['mask', 'labelWeights'],
  resolve: makeResolver(DEFAULT_ENTROPY, (c, where) => {
    checkOneOf(c.reduction, ELEMENTWISE_REDUCTIONS, 'reduction', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: entropyLoss,
};
