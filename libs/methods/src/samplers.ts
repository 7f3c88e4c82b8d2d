import type { Rng } from '@workbench/core';
import { LabelBalancedCycleSampler, RandomBatchSampler } from '@workbench/sampling';
import { matrixRows, type LabelMatrix } from './label-matrix.ts';

/** The batches (row indices) of an epoch: what `fit` consumes. */
export type Batches = (epoch: number) => number[][];

/** Shuffled batches, a new permutation per epoch (the last partial batch kept). */
export function randomSampler(rows: number, batchSize: number, rng: Rng): Batches {
  const sampler = new RandomBatchSampler(rows, { batchSize }, rng);
  return (epoch) => sampler.epoch(epoch);
}

/** DALLMi's label-balanced cycle sampler over the observed labels (N = rows draws per epoch). */
export function labelBalancedSampler(observed: LabelMatrix, batchSize: number, rng: Rng): Batches {
  const sampler = new LabelBalancedCycleSampler(matrixRows(observed), { batchSize }, rng);
  return (epoch) => sampler.epoch(epoch);
}
