import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { checkRank, requireInput } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import {
  MIXUP_FORMS,
  MIXUP_GRADIENTS,
  MIXUP_LEVELS,
  MIXUP_PAIRINGS,
  type MixupForm,
  type MixupGradient,
  type MixupLevel,
  type MixupPairing,
} from './mixup-options.ts';
import { logSigmoid } from './stable-math.ts';
import { stopGradient } from './stop-gradient.ts';

export const MIXUP_REDUCTIONS = ['sum', 'mean'] as const;
export type MixupReduction = (typeof MIXUP_REDUCTIONS)[number];

export interface MixupConfig {
  /** What the calling method mixes (recorded here so it is part of the run's config). */
  level?: MixupLevel;
  /** How the caller builds phi with `mixupTargets`. */
  pairing?: MixupPairing;
  /** `off` reproduces the reference code: the penalty's value is added but carries no gradient. */
  gradient?: MixupGradient;
  /** `norm`: (phi - s)^2; `log`: (log phi - log s)^2. */
  form?: MixupForm;
  /** Multiplies the penalty (1 in DALLMi). */
  weight?: number;
  /** mu ~ Beta(alpha, alpha) (0.3 in DALLMi and VPU); used by the caller through `sampleMixupCoefficients`. */
  alpha?: number;
  /** Stop the gradient through phi (which depends on s(u)); VPU and the default let it flow. */
  detachTargets?: boolean;
  /** `sum` over mixed rows (one row per label: summed over labels, like the variational loss) or `mean`. */
  reduction?: MixupReduction;
}

export const DEFAULT_MIXUP: Required<MixupConfig> = {
  level: 'embedding',
  pairing: 'vpu',
  gradient: 'on',
  form: 'norm',
  weight: 1,
  alpha: 0.3,
  detachTargets: false,
  reduction: 'sum',
};

/** log phi is clamped here: phi reaches 0 only when mu rounds to exactly 1 in float32 and s(u) underflows. */
const MIN_TARGET = 1e-30;

/** The logit of each mixed row at its own label: [M] as given, or picked from [M, L] by `labelIndex`. */
function selectedLogits(inputs: LossInputs): { logits: tf.Tensor1D; oneHot?: tf.Tensor2D } {
  const mixed = requireInput(inputs, 'mixedLogits', 'mixup');
  if (mixed.rank === 1) return { logits: mixed as tf.Tensor1D };
  checkRank(mixed, 2, 'mixedLogits', 'mixup');
  const index = inputs.labelIndex;
  if (index === undefined || index.rank !== 1 || index.shape[0] !== mixed.shape[0]) {
    throw new WorkbenchError('INTERNAL', `loss 'mixup': 'mixedLogits' of shape [${mixed.shape.join(', ')}] needs 'labelIndex' of shape [${mixed.shape[0]}]`);
  }
  const oneHot = tf.oneHot(tf.cast(index, 'int32') as tf.Tensor1D, mixed.shape[1] as number).toFloat() as tf.Tensor2D;
  return { logits: tf.sum(tf.mul(mixed, oneHot), 1) as tf.Tensor1D, oneHot };
}

/**
 * The MixUp regulariser of DALLMi / VPU on M mixed rows: per row (phi - s_mixed)^2 (norm form) or
 * (log phi - log s_mixed)^2 (log form, log s from the logit by log-sigmoid), times `weight`, summed (or averaged)
 * over rows. Reads `mixedLogits` ([M], or [M, L] with `labelIndex` [M], which also yields per-label parts) and
 * `targets` [M] (phi from `mixupTargets`). No rows (every label had an empty P or U) gives 0.
 */
export function mixupLoss(inputs: LossInputs, config: Required<MixupConfig> = DEFAULT_MIXUP): LossResult {
  return tf.tidy(() => {
    const { logits: selected, oneHot } = selectedLogits(inputs);
    const rawTargets = requireInput(inputs, 'targets', 'mixup').reshape([-1]);
    if (rawTargets.shape[0] !== selected.shape[0]) {
      throw new WorkbenchError('INTERNAL', `loss 'mixup': ${rawTargets.shape[0]} targets for ${selected.shape[0]} mixed rows`);
    }
    const off = config.gradient === 'off';
    const z = off ? stopGradient(selected) : selected;
    const phi = off || config.detachTargets ? stopGradient(rawTargets) : rawTargets;
    const diff = config.form === 'norm' ? tf.sub(phi, tf.sigmoid(z)) : tf.sub(tf.log(tf.maximum(phi, MIN_TARGET)), logSigmoid(z));
    const rows = selected.shape[0] as number;
    const scale = config.weight / (config.reduction === 'mean' ? Math.max(rows, 1) : 1);
    const penalty = tf.mul(tf.square(diff), scale) as tf.Tensor1D;
    const perLabel = oneHot === undefined ? undefined : (tf.matMul(penalty.reshape([1, -1]), oneHot).reshape([-1]) as tf.Tensor1D);
    return { loss: tf.sum(penalty) as tf.Scalar, ...(perLabel ? { perLabel } : {}) };
  });
}

export const MIXUP_LOSS: LossDefinition<MixupConfig> = {
  name: 'mixup',
  description: 'MixUp regulariser of DALLMi/VPU: (phi - s_mixed)^2 or its log form on mixed rows',
  defaults: DEFAULT_MIXUP,
  requiredInputs: ['mixedLogits', 'targets'],
  optionalInputs: ['labelIndex'],
  resolve: makeResolver(DEFAULT_MIXUP, (c, where) => {
    checkOneOf(c.level, MIXUP_LEVELS, 'level', where);
    checkOneOf(c.pairing, MIXUP_PAIRINGS, 'pairing', where);
    checkOneOf(c.gradient, MIXUP_GRADIENTS, 'gradient', where);
    checkOneOf(c.form, MIXUP_FORMS, 'form', where);
    checkOneOf(c.reduction, MIXUP_REDUCTIONS, 'reduction', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
    checkRange(c.alpha, 'alpha', { min: 0, minOpen: true }, where);
  }),
  compute: mixupLoss,
};
