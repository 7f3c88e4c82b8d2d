import type { Rng } from '@workbench/core';
import type { Matrix } from '@workbench/metrics';
import { weightedSampleWithoutReplacement } from './weighted-sample.ts';

export interface PerSampleRemoval {
  /** (row, label) pairs hidden, after restoration. */
  hidden: [number, number][];
  /** (row, label) pairs hidden then given back so that their label keeps an observed positive. */
  restored: [number, number][];
}

/**
 * Per-sample removal on one block of rows (dallmi.md): a row with k positives loses round(k * r) of them, drawn
 * without replacement with weights w_j = 1 - f_j / sum of f over the row's labels (f_j = positives of label j
 * in the block), renormalised: rare labels are more likely hidden. A row with one label has weight 1 on it.
 * Then every label left without an observed positive gets one hidden positive back (a random one, or the first
 * row as the reference code). `observed` is edited in place; rows are numbered as in `rowIds`.
 */
export function removePerSample(
  truth: Matrix,
  observed: Uint8Array[],
  rowIds: readonly number[],
  r: number,
  round: (x: number) => number,
  restore: 'random' | 'first',
  rng: Rng,
): PerSampleRemoval {
  const labels = truth[0].length;
  const freq = new Array<number>(labels).fill(0);
  for (const row of truth) for (let j = 0; j < labels; j++) freq[j] += row[j];
  const draws = rng.derive('rows');
  for (let i = 0; i < truth.length; i++) {
    const own: number[] = [];
    for (let j = 0; j < labels; j++) if (truth[i][j] === 1) own.push(j);
    if (own.length === 0) continue;
    const remove = round(own.length * r);
    if (remove === 0) continue;
    const sum = own.reduce((s, j) => s + freq[j], 0);
    // One label: 1 - f/f = 0 for it, so the weights are uniform (the reference's fallback).
    const weights = own.length === 1 ? [1] : own.map((j) => 1 - freq[j] / sum);
    for (const j of weightedSampleWithoutReplacement(own, weights, remove, draws)) observed[i][j] = 0;
  }
  const restored: [number, number][] = [];
  const restoreRng = rng.derive('restore');
  for (let j = 0; j < labels; j++) {
    if (freq[j] === 0) continue;
    let kept = 0;
    const hiddenRows: number[] = [];
    for (let i = 0; i < truth.length; i++) {
      if (observed[i][j] === 1) kept++;
      else if (truth[i][j] === 1) hiddenRows.push(i);
    }
    if (kept > 0) continue;
    const i = restore === 'first' ? hiddenRows[0] : restoreRng.choice(hiddenRows);
    observed[i][j] = 1;
    restored.push([rowIds[i], j]);
  }
  const hidden: [number, number][] = [];
  for (let i = 0; i < truth.length; i++) {
    for (let j = 0; j < labels; j++) if (truth[i][j] === 1 && observed[i][j] === 0) hidden.push([rowIds[i], j]);
  }
  return { hidden, restored };
}
