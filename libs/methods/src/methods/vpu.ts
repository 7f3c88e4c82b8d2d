import { TARGET_KEYS } from '../depends-on.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { trainPu } from './pu-training.ts';

/** VPU (Chen et al. 2020) applied per label: log variational loss + MixUp, random batches. */
export const VPU: DallmiMethod = {
  name: 'vpu',
  description: 'VPU per label: log variational PU loss + MixUp (log form), random batches',
  dependsOn: [...TARGET_KEYS, 'vpu'],
  targetLabels: 'observed',
  startsFrom: 'source',
  train: (ctx) => trainPu(ctx, ctx.config.vpu, 'vpu'),
};
