import type { RestMetricValue } from './mlflow-rest-types.ts';

/**
 * Non-finite metric values on the wire. JSON has no NaN/Infinity, so MLflow's protobuf JSON uses the strings
 * "NaN", "Infinity", "-Infinity" both ways. A SQLite backend stores +/-Infinity as +/-DBL_MAX and answers
 * that number; we return it unchanged (it is what MLflow shows), and `isMlflowInfinity` lets a reader that
 * compares across backends recognise it.
 */

/** The value a SQLite-backed MLflow stores for +Infinity (and its negative for -Infinity). */
export const MLFLOW_SQL_INFINITY = 1.7976931348623157e308;

export function encodeMetricValue(value: number): RestMetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** A value as the server answered it: the strings become NaN / +/-Infinity; numeric strings are parsed. */
export function decodeMetricValue(value: RestMetricValue | string | number): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  const n = Number(value);
  return n;
}

/** True for the +/-DBL_MAX a SQLite backend substitutes for +/-Infinity. */
export function isMlflowInfinity(value: number): boolean {
  return Math.abs(value) === MLFLOW_SQL_INFINITY;
}

/**
 * Whether a point the server holds is the point we sent: equal values, where NaN equals NaN and an infinity
 * equals the DBL_MAX a SQLite backend stored for it.
 */
export function sameMetricValue(sent: number, stored: number): boolean {
  if (Number.isNaN(sent)) return Number.isNaN(stored);
  if (sent === Infinity) return stored === Infinity || stored === MLFLOW_SQL_INFINITY;
  if (sent === -Infinity) return stored === -Infinity || stored === -MLFLOW_SQL_INFINITY;
  return sent === stored;
}
