import { TARGET_KEYS } from '../depends-on.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { trainSupervisedTarget } from './supervised-step.ts';

/** The paper's partial-supervised baseline: BCE on observed labels, every unobserved entry taken as negative. */
export const PARTIAL_SUPERVISED: DallmiMethod = {
  name: 'partial-supervised',
  description: 'BCE fine-tuning on observed target labels, unobserved = negative',
  dependsOn: TARGET_KEYS,
  targetLabels: 'observed',
  startsFrom: 'source',
  train: (ctx) => trainSupervisedTarget(ctx, 'assume-negative-bce'),
};
