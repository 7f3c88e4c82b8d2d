import { WorkbenchError, type DatasetRow, type TaskSpec } from '@workbench/core';

/** A dense 0/1 label matrix, row-major: entry (i, j) = data[i * numLabels + j]. */
export interface LabelMatrix {
  rows: number;
  numLabels: number;
  data: Uint8Array;
}

export function emptyLabelMatrix(rows: number, numLabels: number): LabelMatrix {
  return { rows, numLabels, data: new Uint8Array(rows * numLabels) };
}

export function getLabel(m: LabelMatrix, row: number, label: number): number {
  return m.data[row * m.numLabels + label] as number;
}

/** The multi-label targets of `task` for each row, in the task's label order. */
export function labelMatrixFromRows(rows: readonly DatasetRow[], task: TaskSpec, file?: string): LabelMatrix {
  if (task.type !== 'multi-label') {
    throw new WorkbenchError('CONFIG_INVALID', `task '${task.name}' is ${task.type}; DALLMi methods need a multi-label task`, { where: { path: 'task' } });
  }
  const index = new Map(task.labels.map((l, i) => [l, i]));
  const m = emptyLabelMatrix(rows.length, task.labels.length);
  rows.forEach((row, i) => {
    const value = row[task.field];
    if (!Array.isArray(value)) {
      throw new WorkbenchError('DATASET_INVALID', `row '${row.id}': field '${task.field}' of task '${task.name}' is not an array of labels`, { where: { file } });
    }
    for (const label of value) {
      const j = index.get(String(label));
      if (j === undefined) throw new WorkbenchError('DATASET_INVALID', `row '${row.id}': unknown label '${label}' for task '${task.name}'`, { where: { file } });
      m.data[i * m.numLabels + j] = 1;
    }
  });
  return m;
}

/** Rows `indices` of a matrix, in that order. */
export function selectRows(m: LabelMatrix, indices: readonly number[]): LabelMatrix {
  const out = emptyLabelMatrix(indices.length, m.numLabels);
  indices.forEach((r, i) => out.data.set(m.data.subarray(r * m.numLabels, (r + 1) * m.numLabels), i * m.numLabels));
  return out;
}

/** Positives per label. */
export function positivesPerLabel(m: LabelMatrix): number[] {
  const counts = new Array<number>(m.numLabels).fill(0);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.numLabels; j++) counts[j]! += m.data[i * m.numLabels + j] as number;
  return counts;
}

/** The matrix as nested arrays (for metrics and tensors). */
export function toNested(m: LabelMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.numLabels, (i + 1) * m.numLabels)));
}

/** Row views of a matrix (no copy), the row-list form of `@workbench/metrics` and `@workbench/sampling`. */
export function matrixRows(m: LabelMatrix): Uint8Array[] {
  return Array.from({ length: m.rows }, (_, i) => m.data.subarray(i * m.numLabels, (i + 1) * m.numLabels));
}

/** A matrix from rows of 0/1 values. */
export function matrixFromRows(rows: readonly ArrayLike<number>[], numLabels: number): LabelMatrix {
  const m = emptyLabelMatrix(rows.length, numLabels);
  rows.forEach((r, i) => {
    for (let j = 0; j < numLabels; j++) m.data[i * numLabels + j] = r[j] as number;
  });
  return m;
}
