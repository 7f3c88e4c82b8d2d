import { TARGET_KEYS } from '../depends-on.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { trainSupervisedTarget } from './supervised-step.ts';

/** Fine-tuning on ALL target-train labels: the ceiling (what the public script's "partial" baseline really ran). */
export const ORACLE: DallmiMethod = {
  name: 'oracle',
  description: 'BCE fine-tuning on complete target-train labels (an upper bound, not a fair baseline)',
  dependsOn: TARGET_KEYS.filter((k) => k !== 'scenario'),
  targetLabels: 'full',
  startsFrom: 'source',
  train: (ctx) => trainSupervisedTarget(ctx, 'bce'),
};
