import { WorkbenchError } from '@workbench/core';

/**
 * Python 3's `round(x)`: to the nearest integer, halves to the even neighbour (round(0.5) = 0,
 * round(1.5) = 2, round(2.5) = 2). JavaScript's Math.round sends halves up, which at removal ratio 0.5
 * turns "remove 0 of 1 label" into "remove 1": on debtags-dev that is 37% of positives kept instead of 56%.
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) throw new WorkbenchError('CONFIG_TYPE', `cannot round ${x}`, { where: { source: 'roundHalfEven' } });
  const f = Math.floor(x);
  const d = x - f; // exact for doubles: x and floor(x) share the exponent range
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Round half up (JavaScript's Math.round for non-negative x): offered only to show what half-to-even changes. */
export function roundHalfUp(x: number): number {
  if (!Number.isFinite(x)) throw new WorkbenchError('CONFIG_TYPE', `cannot round ${x}`, { where: { source: 'roundHalfUp' } });
  return Math.floor(x + 0.5);
}

export type Rounding = 'half-even' | 'half-up';

export const ROUNDING: Record<Rounding, (x: number) => number> = { 'half-even': roundHalfEven, 'half-up': roundHalfUp };
