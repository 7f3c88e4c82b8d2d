import { WorkbenchError, type Rng } from '@workbench/core';
import { checkBinaryMatrix, type Matrix } from '@workbench/metrics';

/**
 * Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas, ECML-PKDD 2011): assigns
 * each row to one of the folds so that every label's positives are spread in the folds' `proportions`. It
 * serves the rarest remaining label first, giving each of its rows to the fold that most lacks that label
 * (ties: the fold that most lacks rows, then random); rows without a label go where rows are most lacking.
 * Returns the fold of every row. Fold sizes match the proportions within a few rows, not exactly.
 */
export function iterativeStratification(labels: Matrix, proportions: readonly number[], rng: Rng): Int32Array {
  const where = { source: 'iterativeStratification' };
  const L = checkBinaryMatrix('labels', labels, 'iterativeStratification');
  const sum = proportions.reduce((a, b) => a + b, 0);
  if (proportions.length < 2 || proportions.some((p) => !(p > 0)) || Math.abs(sum - 1) > 1e-9) {
    throw new WorkbenchError('CONFIG_TYPE', `proportions must be 2 or more positive numbers summing to 1, got [${proportions.join(', ')}]`, { where });
  }
  const n = labels.length;
  const folds = proportions.length;
  const fold = new Int32Array(n).fill(-1);
  const rowLabels: number[][] = labels.map((row) => {
    const own: number[] = [];
    for (let j = 0; j < L; j++) if (row[j] === 1) own.push(j);
    return own;
  });
  const remaining = new Array<number>(L).fill(0);
  for (const own of rowLabels) for (const j of own) remaining[j]++;
  const wantRows = proportions.map((p) => p * n);
  const wantLabel = proportions.map((p) => remaining.map((count) => p * count));

  const bestFold = (label: number | undefined): number => {
    let best: number[] = [];
    let bestKey: [number, number] = [-Infinity, -Infinity];
    for (let m = 0; m < folds; m++) {
      const key: [number, number] = [label === undefined ? 0 : wantLabel[m][label], wantRows[m]];
      const cmp = key[0] !== bestKey[0] ? key[0] - bestKey[0] : key[1] - bestKey[1];
      if (cmp > 0) {
        best = [m];
        bestKey = key;
      } else if (cmp === 0) best.push(m);
    }
    return best.length === 1 ? best[0] : rng.choice(best);
  };
  const assign = (i: number, m: number): void => {
    fold[i] = m;
    wantRows[m]--;
    for (const j of rowLabels[i]) {
      wantLabel[m][j]--;
      remaining[j]--;
    }
  };

  for (;;) {
    let fewest = Infinity;
    let candidates: number[] = [];
    remaining.forEach((count, j) => {
      if (count === 0) return;
      if (count < fewest) {
        fewest = count;
        candidates = [j];
      } else if (count === fewest) candidates.push(j);
    });
    if (candidates.length === 0) break;
    const label = candidates.length === 1 ? candidates[0] : rng.choice(candidates);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (fold[i] === -1 && labels[i][label] === 1) rows.push(i);
    for (const i of rng.shuffle(rows)) assign(i, bestFold(label));
  }
  const unlabelled: number[] = [];
  for (let i = 0; i < n; i++) if (fold[i] === -1) unlabelled.push(i);
  for (const i of rng.shuffle(unlabelled)) assign(i, bestFold(undefined));
  return fold;
}
