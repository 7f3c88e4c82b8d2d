import type { Rng } from '@workbench/core';
import type { Matrix } from '@workbench/metrics';

/**
 * Per-label removal on one block of rows (dallmi.md): for each label with n positives in the block, hide
 * round(n * r) of them chosen uniformly without replacement; if that would hide all n, hide n - 1 so the label
 * keeps an observed positive. `observed` (the block's rows, initially equal to the truth) is edited in place;
 * returns the hidden (row, label) pairs with rows numbered as in `rowIds`.
 */
export function removePerLabel(
  truth: Matrix,
  observed: Uint8Array[],
  rowIds: readonly number[],
  r: number,
  round: (x: number) => number,
  rng: Rng,
): [number, number][] {
  const labels = truth[0].length;
  const hidden: [number, number][] = [];
  for (let j = 0; j < labels; j++) {
    const positives: number[] = [];
    for (let i = 0; i < truth.length; i++) if (truth[i][j] === 1) positives.push(i);
    const n = positives.length;
    if (n === 0) continue;
    let remove = round(n * r);
    if (remove >= n) remove = n - 1;
    for (const i of rng.derive(`label-${j}`).sample(positives, remove)) {
      observed[i][j] = 0;
      hidden.push([rowIds[i], j]);
    }
  }
  return hidden;
}
