import { posix } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import type { LogBatch, ParamEntry } from './store.ts';

/** MLflow's limits (2.17.2, mlflow/utils/validation.py). */
export const MLFLOW_LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  runTagValueLength: 8000,
  experimentTagValueLength: 5000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchEntities: 1000,
} as const;

// MLflow's `^[/\w.\- :]*$` under Python's re, where \w is Unicode-aware (letters and digits of any script).
const VALID_KEY = /^[/\p{L}\p{N}_.\- :]*$/u;

export type KeyKind = 'metric' | 'param' | 'tag' | 'experiment tag';

/**
 * A metric, param or tag key as MLflow accepts it: `^[/\w.\- :]*$`, at most 250 chars, and a normalized relative
 * path (the FileStore makes keys into files: `a//b`, `./a`, `../a`, `/a` would alias or escape).
 */
export function validateKey(kind: KeyKind, key: string): void {
  const bad = (why: string): never => {
    throw new WorkbenchError('TRACKING_INVALID', `invalid ${kind} key '${key}': ${why}`, { details: { key } });
  };
  if (typeof key !== 'string') bad('a key must be a string');
  if (!VALID_KEY.test(key)) bad('keys may contain only alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)');
  if (key.length > MLFLOW_LIMITS.keyLength) bad(`${key.length} chars, MLflow allows at most ${MLFLOW_LIMITS.keyLength}`);
  // Python's posixpath.normpath, which (unlike Node's) also drops a trailing '/'.
  const norm = posix.normalize(key).replace(/(.)\/+$/, '$1');
  if (key === '' || norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    bad(`keys are file paths in MLflow and must be normalized relative paths${key !== '' && norm !== key ? ` (this one resolves to '${norm}')` : ''}`);
  }
}

function validateLength(kind: string, key: string, value: string, limit: number, hint: string): void {
  if (value.length > limit) {
    throw new WorkbenchError('TRACKING_INVALID', `${kind} '${key}' has a value of ${value.length} chars; MLflow keeps at most ${limit}`, {
      details: { key },
      hint,
    });
  }
}

/**
 * Checks a whole batch before anything is written, so that a bad entry leaves the store untouched. Numbers
 * must be numbers (NaN and infinities are legal metric values); steps and timestamps integers.
 */
export function validateBatch(batch: LogBatch): void {
  for (const m of batch.metrics ?? []) {
    validateKey('metric', m.key);
    if (typeof m.value !== 'number') throw new WorkbenchError('TRACKING_INVALID', `metric '${m.key}' has a non-numeric value ${JSON.stringify(m.value)}`, { details: { key: m.key } });
    if (!Number.isSafeInteger(m.step)) throw new WorkbenchError('TRACKING_INVALID', `metric '${m.key}' has step ${m.step}; a step must be an integer`, { details: { key: m.key } });
    if (!Number.isSafeInteger(m.timestamp)) {
      throw new WorkbenchError('TRACKING_INVALID', `metric '${m.key}' has timestamp ${m.timestamp}; a timestamp must be integer milliseconds`, { details: { key: m.key } });
    }
  }
  const seen = new Map<string, string>();
  for (const p of batch.params ?? []) {
    validateKey('param', p.key);
    validateLength('param', p.key, p.value, MLFLOW_LIMITS.paramValueLength, 'keep long values (a whole config) in an artifact');
    if (seen.has(p.key)) throw new WorkbenchError('TRACKING_INVALID', `param '${p.key}' appears twice in one batch`, { details: { key: p.key } });
    seen.set(p.key, p.value);
  }
  for (const t of batch.tags ?? []) {
    validateKey('tag', t.key);
    validateLength('tag', t.key, t.value, MLFLOW_LIMITS.runTagValueLength, 'keep long values in an artifact');
  }
}

/** The error for a param logged again with another value (MLflow: params are immutable). */
export function paramChangedError(runId: string, key: string, old: string, value: string): WorkbenchError {
  return new WorkbenchError('TRACKING_INVALID', `param '${key}' of run ${runId} was already logged as '${old}' and cannot change to '${value}'`, {
    details: { key },
    hint: 'params are immutable in MLflow: log the new value under another key, or start a new run',
  });
}

/** Throws if any param of the batch was logged before with another value; same value again is a no-op. */
export function checkParamsUnchanged(runId: string, params: readonly ParamEntry[], existing: (key: string) => string | undefined): void {
  for (const p of params) {
    const old = existing(p.key);
    if (old !== undefined && old !== p.value) throw paramChangedError(runId, p.key, old, p.value);
  }
}

export function validateExperimentTag(key: string, value: string): void {
  validateKey('experiment tag', key);
  validateLength('experiment tag', key, value, MLFLOW_LIMITS.experimentTagValueLength, 'keep long values in an artifact');
}
