import { resolveConfig, type Rng } from '@workbench/core';
import { batchCount, checkEpoch, checkPositiveInt, toBatches, type BatchSampler } from './batch-sampler.ts';

export interface RandomBatchConfig {
  batchSize: number;
  /** Drop the last partial batch of each epoch. */
  dropLast: boolean;
}

export const DEFAULT_RANDOM_BATCH: Required<RandomBatchConfig> = { batchSize: 64, dropLast: false };

/** Plain shuffled batches: every row once per epoch, in a fresh seeded order each epoch. */
export class RandomBatchSampler implements BatchSampler {
  readonly config: Required<RandomBatchConfig>;
  readonly batchesPerEpoch: number;

  constructor(
    readonly rows: number,
    config: Partial<RandomBatchConfig>,
    private readonly rng: Rng,
  ) {
    this.config = resolveConfig<RandomBatchConfig>(DEFAULT_RANDOM_BATCH, config, { where: { source: 'RandomBatchSampler' } });
    checkPositiveInt('rows', rows, 'RandomBatchSampler');
    checkPositiveInt('batchSize', this.config.batchSize, 'RandomBatchSampler');
    this.batchesPerEpoch = batchCount(rows, this.config.batchSize, this.config.dropLast);
  }

  epoch(epoch: number): number[][] {
    checkEpoch(epoch, 'RandomBatchSampler.epoch');
    return toBatches(this.rng.derive(`epoch-${epoch}`).permutation(this.rows), this.config.batchSize, this.config.dropLast);
  }
}
