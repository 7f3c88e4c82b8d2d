import { describe, expect, it } from '@jest/globals';
import { missingPoints } from './metric-reconcile.ts';
import { decodeMetricValue, encodeMetricValue, MLFLOW_SQL_INFINITY, sameMetricValue } from './rest-metric-value.ts';

describe('non-finite metric values on the wire', () => {
  it('encodes as MLflow does and decodes both backends (FileStore strings, SQLite DBL_MAX)', () => {
    expect([NaN, Infinity, -Infinity, 0.5].map(encodeMetricValue)).toEqual(['NaN', 'Infinity', '-Infinity', 0.5]);
    expect(decodeMetricValue('NaN')).toBeNaN();
    expect(decodeMetricValue('Infinity')).toBe(Infinity);
    expect(decodeMetricValue('-Infinity')).toBe(-Infinity);
    // rest-edge-sqlite.txt: a logged "Infinity" comes back as 1.7976931348623157e+308.
    expect(decodeMetricValue(1.7976931348623157e308)).toBe(MLFLOW_SQL_INFINITY);
    expect(sameMetricValue(Infinity, MLFLOW_SQL_INFINITY)).toBe(true);
    expect(sameMetricValue(-Infinity, -MLFLOW_SQL_INFINITY)).toBe(true);
    expect(sameMetricValue(NaN, NaN)).toBe(true);
    expect(sameMetricValue(1, 1.0000001)).toBe(false);
  });
});

describe('missingPoints', () => {
  const p = (step: number, value: number | 'NaN' | 'Infinity', timestamp = 10) => ({ key: 'loss', value, timestamp, step });
  it('drops what the server holds, by (step, timestamp, value), counting duplicates', () => {
    const batch = [p(0, 1), p(1, 'NaN'), p(2, 'Infinity'), p(3, 4), p(3, 4), p(4, 5)];
    const history = new Map([['loss', [p(0, 1), p(1, 'NaN'), { ...p(2, 0), value: MLFLOW_SQL_INFINITY }, p(3, 4), p(4, 5, 11)]]]);
    expect(missingPoints(batch, history)).toEqual([p(3, 4), p(4, 5)]);
  });
  it('keys are independent', () => {
    expect(missingPoints([{ ...p(0, 1), key: 'acc' }], new Map([['loss', [p(0, 1)]]]))).toEqual([{ ...p(0, 1), key: 'acc' }]);
  });
});
