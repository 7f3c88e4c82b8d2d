import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { puSplit } from './pu-split.ts';
import { maskedColumnMean } from './stable-math.ts';
import { stopGradient } from './stop-gradient.ts';

export const NNPU_SURROGATES = ['sigmoid', 'logistic'] as const;
export type NnpuSurrogate = (typeof NNPU_SURROGATES)[number];

export interface NnpuConfig {
  /**
   * Class prior per label (one number is used for every label). It is the positive rate of the distribution U is
   * drawn from: here U is every row not observed positive for the label, so pass the positive rate among those
   * rows (hidden positives / unobserved rows), estimated without target test.
   */
  priors?: number[];
  /** Tolerance of the non-negative correction: correct when the negative risk < -beta (0 in the paper). */
  beta?: number;
  /** Step scale of the correction (Kiryo et al.'s gamma, 1 in the paper). */
  gamma?: number;
  /** false gives the unbiased PU risk (uPU, du Plessis et al.) without the correction. */
  nonNegative?: boolean;
  /** The surrogate loss l(z, y): `sigmoid` = sigmoid(-yz) (the paper's default) or `logistic` = softplus(-yz). */
  surrogate?: NnpuSurrogate;
  weight?: number;
}

export const DEFAULT_NNPU: Required<NnpuConfig> = { priors: [], beta: 0, gamma: 1, nonNegative: true, surrogate: 'sigmoid', weight: 1 };

/** l(z, +1) and l(z, -1) of the surrogate. */
function surrogate(kind: NnpuSurrogate, z: tf.Tensor): { pos: tf.Tensor2D; neg: tf.Tensor2D } {
  const f = kind === 'sigmoid' ? tf.sigmoid : tf.softplus;
  return { pos: f(tf.neg(z)) as tf.Tensor2D, neg: f(z) as tf.Tensor2D };
}

function priorTensor(priors: readonly number[], labels: number): tf.Tensor1D {
  if (priors.length === 0) {
    throw new WorkbenchError('CONFIG_INVALID', 'nnpu needs a class prior per label, and none was given', {
      where: { path: 'priors' },
      hint: 'set priors to one number for all labels or one per label, estimated on data other than target test',
    });
  }
  if (priors.length !== 1 && priors.length !== labels) {
    throw new WorkbenchError('CONFIG_INVALID', `nnpu got ${priors.length} priors for ${labels} labels; give 1 or ${labels}`, { where: { path: 'priors' } });
  }
  return priors.length === 1 ? (tf.fill([labels], priors[0] as number) as tf.Tensor1D) : tf.tensor1d(priors as number[]);
}

/**
 * Non-negative PU risk (Kiryo et al. 2017), per label with prior pi, summed over labels:
 *   R_l = pi * mean_P l(g, +1) + max(-beta, mean_U l(g, -1) - pi * mean_P l(g, -1)).
 * The gradient follows Kiryo et al.'s Algorithm 1 (and their code), label by label: while the negative risk is
 * >= -beta it is the gradient of pi R_p+ + R_n; once it falls below -beta the step is -gamma * grad(R_n) instead
 * (pushing the negative risk back up), while the reported value is pi R_p+ - beta.
 * An empty P or U makes its means 0 (their code divides by max(1, n)).
 * Reads `logits`, `labels` [B, L] (1 = observed positive); optional `mask`.
 * Parts: `positiveRisk` and `negativeRisk` (sums over labels, before the correction) and `correctedLabels`.
 */
export function nnpuLoss(inputs: LossInputs, config: Required<NnpuConfig>): LossResult {
  return tf.tidy(() => {
    const { logits, p, u } = puSplit(inputs, 'nnpu');
    const prior = priorTensor(config.priors, logits.shape[1] as number);
    const { pos, neg } = surrogate(config.surrogate, logits);
    const positiveRisk = tf.mul(prior, maskedColumnMean(pos, p));
    const negativeRisk = tf.sub(maskedColumnMean(neg, u), tf.mul(prior, maskedColumnMean(neg, p)));
    const unbiased = tf.add(positiveRisk, negativeRisk);
    let perLabel: tf.Tensor = unbiased;
    // A float indicator (step has a zero gradient; a comparison op on the tape would make tf.grad fail).
    let corrected: tf.Tensor = tf.zerosLike(negativeRisk);
    if (config.nonNegative) {
      corrected = tf.step(tf.sub(-config.beta, negativeRisk));
      const descend = tf.add(tf.mul(corrected, tf.mul(negativeRisk, -config.gamma)), tf.mul(tf.sub(1, corrected), unbiased));
      const value = tf.add(positiveRisk, tf.maximum(negativeRisk, -config.beta));
      // Reports `value` while differentiating `descend`.
      perLabel = tf.add(descend, stopGradient(tf.sub(value, descend)));
    }
    perLabel = tf.mul(perLabel, config.weight);
    return {
      loss: tf.sum(perLabel) as tf.Scalar,
      perLabel: perLabel as tf.Tensor1D,
      parts: {
        positiveRisk: tf.sum(positiveRisk) as tf.Scalar,
        negativeRisk: tf.sum(negativeRisk) as tf.Scalar,
        correctedLabels: tf.sum(corrected) as tf.Scalar,
      },
    };
  });
}

export const NNPU_LOSS: LossDefinition<NnpuConfig> = {
  name: 'nnpu',
  description: 'non-negative PU risk (Kiryo et al. 2017) per label with a class prior, summed over labels',
  defaults: DEFAULT_NNPU,
  requiredInputs: ['logits', 'labels'],
  optionalInputs: ['mask'],
  resolve: makeResolver(DEFAULT_NNPU, (c, where) => {
    c.priors.forEach((prior, i) => {
      if (typeof prior !== 'number') throw new WorkbenchError('CONFIG_TYPE', `expected a number, got ${JSON.stringify(prior)}`, { where: { ...where, path: `${where?.path ? `${where.path}.` : ''}priors[${i}]` } });
      checkRange(prior, `priors[${i}]`, { min: 0, max: 1, minOpen: true, maxOpen: true }, where);
    });
    checkRange(c.beta, 'beta', { min: 0 }, where);
    checkRange(c.gamma, 'gamma', { min: 0 }, where);
    checkOneOf(c.surrogate, NNPU_SURROGATES, 'surrogate', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: nnpuLoss,
};
