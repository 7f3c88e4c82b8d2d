import { WorkbenchError } from '@workbench/core';

/** Throws TRAINING_DIVERGED naming the step when a loss is NaN or infinite (before any weight is touched). */
export function assertFiniteLoss(loss: number, step: number, where?: string): void {
  if (Number.isFinite(loss)) return;
  throw new WorkbenchError('TRAINING_DIVERGED', `loss is ${loss} at step ${step}${where ? ` of ${where}` : ''}`, {
    where: where ? { source: where } : undefined,
    hint: 'lower the learning rate, enable gradient clipping (clipNorm), or check the inputs for NaN',
    details: { step, loss },
  });
}
