import { resolveConfig, WorkbenchError, type Rng } from '@workbench/core';
import { checkBinaryMatrix, type Matrix } from '@workbench/metrics';
import type { ScenarioResult } from './apply-scenario.ts';
import { iterativeStratification } from './iterative-stratification.ts';
import { roundHalfEven } from './round-half-even.ts';

export interface ValidationSplitConfig {
  /** Fraction of the rows that go to validation. */
  validationFraction: number;
  /** `none`: a seeded random subset of exactly round(n * fraction) rows; `iterative`: multi-label iterative stratification, then moved to exactly that size. */
  stratify: 'none' | 'iterative';
}

export const DEFAULT_VALIDATION_SPLIT: Required<ValidationSplitConfig> = { validationFraction: 0.1, stratify: 'iterative' };

export interface TrainValidationSplit {
  /** Row indices, increasing. */
  train: number[];
  validation: number[];
}

/**
 * Splits rows into train and validation. With labels given, `iterative` stratification keeps every label's
 * positive rate about equal in both parts (rare labels get validation positives too).
 */
export function trainValidationSplit(rowsOrLabels: number | Matrix, config: Partial<ValidationSplitConfig>, rng: Rng): TrainValidationSplit {
  const where = { source: 'trainValidationSplit' };
  const { validationFraction, stratify } = resolveConfig<ValidationSplitConfig>(DEFAULT_VALIDATION_SPLIT, config, { where });
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new WorkbenchError('CONFIG_TYPE', `validationFraction must be in (0, 1), got ${String(validationFraction)}`, { where });
  }
  if (stratify !== 'none' && stratify !== 'iterative') {
    throw new WorkbenchError('CONFIG_TYPE', `stratify must be 'none' or 'iterative', got '${String(stratify)}'`, { where });
  }
  const labels = typeof rowsOrLabels === 'number' ? undefined : rowsOrLabels;
  if (labels) checkBinaryMatrix('labels', labels, 'trainValidationSplit');
  const n = labels ? labels.length : (rowsOrLabels as number);
  if (!Number.isInteger(n) || n < 2) throw new WorkbenchError('CONFIG_TYPE', `need at least 2 rows to split, got ${String(n)}`, { where });
  const size = roundHalfEven(n * validationFraction);
  if (size < 1 || size > n - 1) {
    throw new WorkbenchError('CONFIG_INVALID', `validationFraction ${validationFraction} of ${n} rows leaves ${size === 0 ? 'no validation row' : 'no train row'}`, { where });
  }
  const validation: number[] = [];
  const train: number[] = [];
  if (stratify === 'iterative' && labels) {
    const fold = iterativeStratification(labels, [1 - validationFraction, validationFraction], rng.derive('iterative'));
    moveToExactSize(labels, fold, size, validationFraction);
    fold.forEach((f, i) => (f === 1 ? validation : train).push(i));
  } else {
    const chosen = new Set(rng.derive('random').sample(Array.from({ length: n }, (_, i) => i), size));
    for (let i = 0; i < n; i++) (chosen.has(i) ? validation : train).push(i);
  }
  return { train, validation };
}

/**
 * Iterative stratification hits the fold sizes only within a few rows; a researcher asking for 10% expects
 * exactly round(n * 10%). Move rows one at a time from the too-large fold, each time the row whose labels that
 * fold holds most in excess of their target share (unlabelled rows count 0), so label balance barely moves.
 */
function moveToExactSize(labels: Matrix, fold: Int32Array, size: number, fraction: number): void {
  const L = labels[0].length;
  const totals = new Array<number>(L).fill(0);
  const inVal = new Array<number>(L).fill(0);
  let valSize = 0;
  labels.forEach((row, i) => {
    if (fold[i] === 1) valSize++;
    for (let j = 0; j < L; j++) {
      totals[j] += row[j];
      if (fold[i] === 1) inVal[j] += row[j];
    }
  });
  while (valSize !== size) {
    const from = valSize > size ? 1 : 0;
    // Excess of label j in the fold rows leave: validation holds inVal - f * total too many; train the opposite.
    const excess = totals.map((t, j) => (from === 1 ? inVal[j] - fraction * t : fraction * t - inVal[j]));
    let best = -1;
    let bestScore = -Infinity;
    labels.forEach((row, i) => {
      if (fold[i] !== from) return;
      let score = 0;
      for (let j = 0; j < L; j++) if (row[j] === 1) score += excess[j];
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    fold[best] = 1 - from;
    for (let j = 0; j < L; j++) inVal[j] += (from === 1 ? -1 : 1) * labels[best][j];
    valSize += from === 1 ? -1 : 1;
  }
}

/**
 * The validation split for hyper-parameter selection, carved from target train using the scenario's OBSERVED
 * labels only (taking the ScenarioResult, not the truth, makes the hidden labels impossible to use here).
 */
export function carveValidation(scenario: ScenarioResult, config: Partial<ValidationSplitConfig>, rng: Rng): TrainValidationSplit {
  return trainValidationSplit(scenario.observed, config, rng);
}
