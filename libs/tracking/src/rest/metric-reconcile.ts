import type { RestMetric } from './mlflow-rest-types.ts';
import { decodeMetricValue, sameMetricValue } from './rest-metric-value.ts';

/**
 * The points of `batch` the server does not hold yet, given the server's history of each key.
 *
 * A point is identified by (key, step, timestamp, value): the client stamps every point once, when it is
 * logged, so a resent point is identical to the first send. Counting is per identity (a multiset): a batch
 * that legitimately holds the same point twice is resent as often as the server lacks it.
 */
export function missingPoints(batch: RestMetric[], historyByKey: Map<string, RestMetric[]>): RestMetric[] {
  // Unmatched stored points, by key, step and timestamp.
  const pool = new Map<string, number[]>();
  for (const [key, history] of historyByKey) {
    for (const h of history) {
      const id = slot(key, h);
      const values = pool.get(id);
      if (values) values.push(decodeMetricValue(h.value));
      else pool.set(id, [decodeMetricValue(h.value)]);
    }
  }
  const out: RestMetric[] = [];
  for (const point of batch) {
    const values = pool.get(slot(point.key, point));
    const sent = decodeMetricValue(point.value);
    const idx = values ? values.findIndex((v) => sameMetricValue(sent, v)) : -1;
    if (values && idx >= 0) values.splice(idx, 1);
    else out.push(point);
  }
  return out;
}

function slot(key: string, p: RestMetric): string {
  return `${key}\u0000${p.step ?? 0}\u0000${p.timestamp}`;
}
