import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { checkRange, makeResolver } from './config-checks.ts';
import { checkSameShape, requireInput } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { bceWithLogits } from './stable-math.ts';

export interface DomainAdversarialConfig {
  /**
   * false: BCE against the true domains (the discriminator's loss, and DANN's loss through a gradient-reversal
   * layer). true: against the flipped domains (the GAN-style feature loss of ADDA/AAD, e.g. target rows labelled
   * as source).
   */
  invertLabels?: boolean;
  weight?: number;
}

export const DEFAULT_DOMAIN_ADVERSARIAL: Required<DomainAdversarialConfig> = { invertLabels: false, weight: 1 };

/**
 * BCE of a domain discriminator, mean over rows. Reads `domainLogits` and `domainLabels` ([N] or [N, 1];
 * 1 = source, 0 = target). Used two ways: DANN puts `gradientReversal` between the features and the
 * discriminator and minimises this once; AAD alternates the discriminator's loss (true labels, detached
 * features) and the encoder's (`invertLabels`). Part: `accuracy` of the discriminator at threshold 0.
 */
export function domainAdversarialLoss(inputs: LossInputs, config: Required<DomainAdversarialConfig> = DEFAULT_DOMAIN_ADVERSARIAL): LossResult {
  return tf.tidy(() => {
    const logits = requireInput(inputs, 'domainLogits', 'domain-adversarial');
    const labels = requireInput(inputs, 'domainLabels', 'domain-adversarial');
    checkSameShape(logits, 'domainLogits', labels, 'domainLabels', 'domain-adversarial');
    if (logits.rank > 2 || (logits.rank === 2 && logits.shape[1] !== 1) || logits.size === 0) {
      throw new WorkbenchError('INTERNAL', `loss 'domain-adversarial': 'domainLogits' must be [N] or [N, 1] with N > 0, got [${logits.shape.join(', ')}]`);
    }
    const z = logits.reshape([-1]);
    const y = labels.reshape([-1]);
    const targets = config.invertLabels ? tf.sub(1, y) : y;
    const loss = tf.mul(tf.mean(bceWithLogits(z, targets)), config.weight) as tf.Scalar;
    const predicted = tf.step(z);
    const accuracy = tf.mean(tf.sub(1, tf.abs(tf.sub(predicted, y)))) as tf.Scalar;
    return { loss, parts: { accuracy } };
  });
}

export const DOMAIN_ADVERSARIAL_LOSS: LossDefinition<DomainAdversarialConfig> = {
  name: 'domain-adversarial',
  description: 'BCE of a domain discriminator (source = 1, target = 0), optionally against flipped domains',
  defaults: DEFAULT_DOMAIN_ADVERSARIAL,
  requiredInputs: ['domainLogits', 'domainLabels'],
  optionalInputs: [],
  resolve: makeResolver(DEFAULT_DOMAIN_ADVERSARIAL, (c, where) => {
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: domainAdversarialLoss,
};
