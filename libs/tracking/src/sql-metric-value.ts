/** What MLflow's SqlAlchemyStore writes for +/-Infinity (the largest finite double); NaN is 0 with is_nan = 1. */
export const SQL_INFINITY = 1.7976931348623157e308;

/** A metric value as MLflow's SQL store persists it: [value, is_nan]. */
export function sqlMetricValue(value: number): [number, 0 | 1] {
  if (Number.isNaN(value)) return [0, 1];
  if (value === Infinity) return [SQL_INFINITY, 0];
  if (value === -Infinity) return [-SQL_INFINITY, 0];
  return [value, 0];
}
