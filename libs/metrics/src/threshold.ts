import { WorkbenchError } from '@workbench/core';
import { checkScoreMatrix, type Matrix } from './matrix.ts';

/** The decision threshold of every thresholded metric unless told otherwise. */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * 0/1 predictions: 1 where score > threshold. Strictly greater, as the reference code's `np.round(sigmoid)`
 * (round half to even sends exactly 0.5 to 0).
 */
export function binarize(scores: Matrix, threshold = DEFAULT_THRESHOLD): Uint8Array[] {
  checkThreshold(threshold);
  checkScoreMatrix('scores', scores, 'binarize');
  return scores.map((row) => {
    const out = new Uint8Array(row.length);
    for (let j = 0; j < row.length; j++) out[j] = row[j] > threshold ? 1 : 0;
    return out;
  });
}

export function checkThreshold(threshold: number): void {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new WorkbenchError('CONFIG_TYPE', `threshold must be a finite number, got ${String(threshold)}`, { where: { source: 'threshold' } });
  }
}
