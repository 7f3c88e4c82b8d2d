import { Registry, type ErrorLocation } from '@workbench/core';
import { ASSUME_NEGATIVE_BCE_LOSS } from './assume-negative-bce-loss.ts';
import { BCE_LOSS } from './bce-loss.ts';
import { DALLMI_NORM_LOSS } from './dallmi-norm-loss.ts';
import { DISTILLATION_LOSS } from './distillation-loss.ts';
import { DOMAIN_ADVERSARIAL_LOSS } from './domain-adversarial-loss.ts';
import { ENTROPY_LOSS } from './entropy-loss.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { MIXUP_LOSS } from './mixup-loss.ts';
import { NNPU_LOSS } from './nnpu-loss.ts';
import { VPU_LOSS } from './vpu-loss.ts';

/** Every loss of the workbench by name: one line per loss. */
export const LOSSES = new Registry<LossDefinition>('loss')
  .register(BCE_LOSS.name, BCE_LOSS)
  .register(ASSUME_NEGATIVE_BCE_LOSS.name, ASSUME_NEGATIVE_BCE_LOSS)
  .register(VPU_LOSS.name, VPU_LOSS)
  .register(DALLMI_NORM_LOSS.name, DALLMI_NORM_LOSS)
  .register(MIXUP_LOSS.name, MIXUP_LOSS)
  .register(ENTROPY_LOSS.name, ENTROPY_LOSS)
  .register(NNPU_LOSS.name, NNPU_LOSS)
  .register(DOMAIN_ADVERSARIAL_LOSS.name, DOMAIN_ADVERSARIAL_LOSS)
  .register(DISTILLATION_LOSS.name, DISTILLATION_LOSS);

/** A loss chosen by name with its resolved config, ready to call once per step. */
export interface ConfiguredLoss {
  readonly name: string;
  readonly config: Record<string, unknown>;
  compute(inputs: LossInputs): LossResult;
}

/**
 * Looks a loss up by name (unknown names fail with the valid ones and a did-you-mean) and resolves its config
 * once (unknown keys and bad values fail, naming `where`).
 */
export function createLoss(name: string, partial?: unknown, where?: ErrorLocation): ConfiguredLoss {
  const definition = LOSSES.get(name, where);
  const config = definition.resolve(partial, where);
  return { name, config, compute: (inputs) => definition.compute(inputs, config) };
}
