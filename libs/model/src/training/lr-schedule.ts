import { WorkbenchError } from '@workbench/core';

/**
 * Hugging Face's get_linear_schedule_with_warmup: the multiplier of the peak learning rate at optimizer step
 * `step` (0-based: the first update uses step 0) rises linearly from 0 over `warmupSteps`, then falls linearly
 * to 0 at `totalSteps`.
 */
export function linearWarmupDecay(step: number, warmupSteps: number, totalSteps: number): number {
  if (!(totalSteps > 0) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new WorkbenchError('CONFIG_TYPE', `linear schedule needs 0 <= warmupSteps (${warmupSteps}) <= totalSteps (${totalSteps}) and totalSteps > 0`);
  }
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Warm-up over a fraction of the steps (the usual way to state it), then linear decay. */
export function linearScheduleFromRatio(step: number, warmupRatio: number, totalSteps: number): number {
  return linearWarmupDecay(step, Math.ceil(warmupRatio * totalSteps), totalSteps);
}
