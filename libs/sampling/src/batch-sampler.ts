import { WorkbenchError } from '@workbench/core';

/**
 * What a trainer asks of a sampler: the batches (row indices) of epoch e. Each epoch is a pure function of
 * the sampler's seed and e, so a resumed run replays the same batches.
 */
export interface BatchSampler {
  readonly batchesPerEpoch: number;
  epoch(epoch: number): number[][];
}

export function checkPositiveInt(name: string, v: number, where: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new WorkbenchError('CONFIG_TYPE', `${name} must be a positive integer, got ${String(v)}`, { where: { source: where } });
}

export function checkEpoch(epoch: number, where: string): void {
  if (!Number.isInteger(epoch) || epoch < 0) throw new WorkbenchError('CONFIG_TYPE', `epoch must be a non-negative integer, got ${String(epoch)}`, { where: { source: where } });
}

/** Splits a sequence of draws into batches of `batchSize`; the last partial batch is dropped or kept. */
export function toBatches(draws: readonly number[], batchSize: number, dropLast: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < draws.length; i += batchSize) {
    const batch = draws.slice(i, i + batchSize);
    if (batch.length < batchSize && dropLast) break;
    out.push(batch);
  }
  return out;
}

export function batchCount(draws: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(draws / batchSize) : Math.ceil(draws / batchSize);
}
