import { STAGE1_KEYS } from '../depends-on.ts';
import type { DallmiMethod } from '../method-registry.ts';

/** The stage-1 model applied to the target unchanged: the floor every adaptation method must beat. */
export const SOURCE_ONLY: DallmiMethod = {
  name: 'source-only',
  description: 'stage-1 (source BCE) model evaluated on the target, no adaptation',
  dependsOn: STAGE1_KEYS,
  targetLabels: 'none',
  startsFrom: 'source',
  async train(ctx) {
    await ctx.evaluate('target', 0);
  },
};
