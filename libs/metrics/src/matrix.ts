import { WorkbenchError } from '@workbench/core';

/**
 * A rows x columns matrix as an array of rows: `number[][]`, or rows that are typed-array views
 * (`Float32Array`, `Uint8Array`). Rows x labels for multi-label data.
 */
export type Matrix = readonly ArrayLike<number>[];

/** Rows of a flat row-major buffer (e.g. `tensor.dataSync()`), as views without copying. */
export function matrixFromFlat(data: Float32Array | Float64Array | Uint8Array | Int32Array, columns: number): Matrix {
  if (!Number.isInteger(columns) || columns <= 0) {
    throw new WorkbenchError('CONFIG_TYPE', `columns must be a positive integer, got ${columns}`, { where: { source: 'matrixFromFlat' } });
  }
  if (data.length % columns !== 0) {
    throw new WorkbenchError('CONFIG_TYPE', `a buffer of ${data.length} values is not a whole number of rows of ${columns}`, {
      where: { source: 'matrixFromFlat' },
    });
  }
  const rows: ArrayLike<number>[] = [];
  for (let i = 0; i < data.length; i += columns) rows.push(data.subarray(i, i + columns));
  return rows;
}

/** Column `j` of a matrix as a Float64Array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i][j];
  return out;
}

/** Throws unless every entry of a 1-d label vector is 0 or 1. `name` says which argument it is in messages. */
export function checkBinaryVector(name: string, y: ArrayLike<number>, where = name): void {
  if (y == null || typeof y.length !== 'number') {
    throw new WorkbenchError('CONFIG_TYPE', `${name} must be an array of 0/1 labels, got ${typeName(y)}`, { where: { source: where } });
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) {
      throw new WorkbenchError('CONFIG_TYPE', `${name}[${i}] must be 0 or 1, got ${String(v)}`, { where: { source: where } });
    }
  }
}

/** Throws unless every entry of a score vector is a finite number. */
export function checkScoreVector(name: string, s: ArrayLike<number>, where = name): void {
  if (s == null || typeof s.length !== 'number') {
    throw new WorkbenchError('CONFIG_TYPE', `${name} must be an array of scores, got ${typeName(s)}`, { where: { source: where } });
  }
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new WorkbenchError('CONFIG_TYPE', `${name}[${i}] must be a finite number, got ${String(v)}`, { where: { source: where } });
    }
  }
}

/** Throws unless `a` and `b` have the same length. */
export function checkSameLength(a: { length: number }, b: { length: number }, names: [string, string], where: string): void {
  if (a.length !== b.length) {
    throw new WorkbenchError('CONFIG_TYPE', `${names[0]} has ${a.length} entries but ${names[1]} has ${b.length}`, { where: { source: where } });
  }
}

/**
 * Validates a rows x labels 0/1 matrix and returns its number of columns. Every row must have the same
 * length; an empty matrix or zero labels is an error (no metric is defined on it).
 */
export function checkBinaryMatrix(name: string, m: Matrix, where = name): number {
  return checkEntries(name, m, where, (v) => v === 0 || v === 1, 'must be 0 or 1');
}

/** Validates a rows x labels matrix of finite scores and returns its number of columns. */
export function checkScoreMatrix(name: string, m: Matrix, where = name): number {
  return checkEntries(name, m, where, (v) => typeof v === 'number' && Number.isFinite(v), 'must be a finite number');
}

function checkEntries(name: string, m: Matrix, where: string, ok: (v: unknown) => boolean, rule: string): number {
  const cols = checkRectangular(name, m, where);
  for (let i = 0; i < m.length; i++) {
    const row = m[i];
    for (let j = 0; j < cols; j++) {
      if (!ok(row[j])) throw new WorkbenchError('CONFIG_TYPE', `${name}[${i}][${j}] ${rule}, got ${String(row[j])}`, { where: { source: where } });
    }
  }
  return cols;
}

/** Validates labels and scores of a multi-label task together: both valid, same shape. Returns the label count. */
export function checkMultiLabelPair(yTrue: Matrix, scores: Matrix, where: string): number {
  const a = checkBinaryMatrix('yTrue', yTrue, where);
  const b = checkScoreMatrix('scores', scores, where);
  if (yTrue.length !== scores.length || a !== b) {
    throw new WorkbenchError('CONFIG_TYPE', `yTrue is ${yTrue.length}x${a} but scores is ${scores.length}x${b}`, { where: { source: where } });
  }
  return a;
}

function checkRectangular(name: string, m: Matrix, where: string): number {
  if (!Array.isArray(m)) {
    throw new WorkbenchError('CONFIG_TYPE', `${name} must be an array of rows, got ${typeName(m)}`, { where: { source: where } });
  }
  if (m.length === 0) throw new WorkbenchError('CONFIG_TYPE', `${name} has no rows`, { where: { source: where } });
  const first = m[0];
  if (first == null || typeof first.length !== 'number') {
    throw new WorkbenchError('CONFIG_TYPE', `${name}[0] must be an array, got ${typeName(first)}`, { where: { source: where } });
  }
  const cols = first.length;
  if (cols === 0) throw new WorkbenchError('CONFIG_TYPE', `${name} has no columns`, { where: { source: where } });
  for (let i = 1; i < m.length; i++) {
    const row = m[i];
    if (row == null || row.length !== cols) {
      throw new WorkbenchError('CONFIG_TYPE', `${name}[${i}] has ${row == null ? 'no' : row.length} entries, expected ${cols} like row 0`, {
        where: { source: where },
      });
    }
  }
  return cols;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
