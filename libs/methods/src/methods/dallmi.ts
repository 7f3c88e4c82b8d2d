import { TARGET_KEYS } from '../depends-on.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { trainPu } from './pu-training.ts';

/** DALLMi: norm-based variational loss + MixUp of embeddings (with gradient, VPU pairing) + label-balanced batches. */
export const DALLMI: DallmiMethod = {
  name: 'dallmi',
  description: 'DALLMi: per-label norm variational PU loss + embedding MixUp + label-balanced sampler',
  dependsOn: [...TARGET_KEYS, 'dallmi'],
  targetLabels: 'observed',
  startsFrom: 'source',
  train: (ctx) => trainPu(ctx, ctx.config.dallmi, 'dallmi'),
};

/**
 * The public reference code's behaviour, for reproduction: the MixUp penalty carries no gradient, its target
 * pairs mu with the positive, and label removal runs per chunk of 1000 rows.
 */
export const DALLMI_REFERENCE: DallmiMethod = {
  ...DALLMI,
  name: 'dallmi-reference',
  description: 'DALLMi as the public code runs it: MixUp without gradient, reference pairing, chunked label removal',
  configOverrides: { dallmi: { mixup: { gradient: 'off', pairing: 'reference' } }, scenario: { scope: 'chunk1000' } },
};
