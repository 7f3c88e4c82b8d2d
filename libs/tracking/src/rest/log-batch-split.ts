import { WorkbenchError } from '@workbench/core';
import { LOG_BATCH_LIMITS, type RestKeyValue, type RestMetric } from './mlflow-rest-types.ts';

export interface BatchContent {
  metrics?: RestMetric[];
  params?: RestKeyValue[];
  tags?: RestKeyValue[];
}

/**
 * Splits what is to log into `runs/log-batch` bodies the server accepts (<= 1000 metrics, 100 params,
 * 100 tags, 1000 entities each; no param key twice in one body).
 *
 * Metric points travel in batches of their own: params and tags are idempotent on the server (same value
 * again is a no-op), metric points are not (a FileStore appends a line per point), so a batch whose
 * outcome is unknown can be reconciled against the metric history without params or tags in the way, and a
 * rejected param can never take metric points down with it. Params and tags share batches. Order is kept:
 * params/tags batches first, then metric batches in the order the points were logged.
 */
export function splitLogBatch(content: BatchContent, limits: typeof LOG_BATCH_LIMITS = LOG_BATCH_LIMITS): BatchContent[] {
  const params = uniqueParams(content.params ?? []);
  const tags = lastTagWins(content.tags ?? []);
  const out: BatchContent[] = [];
  for (let p = 0, t = 0; p < params.length || t < tags.length; ) {
    const batch: BatchContent = {};
    const np = Math.min(limits.params, params.length - p);
    const nt = Math.min(limits.tags, tags.length - t, limits.total - np);
    if (np > 0) batch.params = params.slice(p, p + np);
    if (nt > 0) batch.tags = tags.slice(t, t + nt);
    p += np;
    t += nt;
    out.push(batch);
  }
  const metrics = content.metrics ?? [];
  const perBatch = Math.min(limits.metrics, limits.total);
  for (let i = 0; i < metrics.length; i += perBatch) out.push({ metrics: metrics.slice(i, i + perBatch) });
  return out;
}

/** One entry per key; the same key with two values is the caller's bug, reported before anything is sent. */
function uniqueParams(params: RestKeyValue[]): RestKeyValue[] {
  const seen = new Map<string, string>();
  for (const p of params) {
    const prev = seen.get(p.key);
    if (prev !== undefined && prev !== p.value) {
      throw new WorkbenchError('TRACKING_INVALID', `param '${p.key}' is given twice with different values ('${prev}' and '${p.value}'); MLflow params are immutable`, {
        where: { path: p.key },
      });
    }
    seen.set(p.key, p.value);
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

/** Tags are mutable: a later value of the same key replaces the earlier one, as two set-tag calls would. */
function lastTagWins(tags: RestKeyValue[]): RestKeyValue[] {
  const byKey = new Map<string, string>();
  for (const t of tags) {
    byKey.delete(t.key);
    byKey.set(t.key, t.value);
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}
