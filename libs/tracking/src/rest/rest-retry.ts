import { WorkbenchError } from '@workbench/core';

/**
 * When and how long the REST client retries. Defaults follow the MLflow Python client (7 retries,
 * exponential backoff with jitter, 120 s request timeout) and honour its environment variables, so a team
 * that tuned MLflow for a flaky server gets the same behaviour here.
 */
export interface RestRetryConfig {
  /** Retries after the first attempt (MLFLOW_HTTP_REQUEST_MAX_RETRIES). */
  maxRetries?: number;
  /** First backoff in ms; doubles per retry (MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, in seconds). */
  initialDelayMs?: number;
  /** Cap of one backoff, also of a server's Retry-After. */
  maxDelayMs?: number;
  /** Give up once this much time has passed since the first attempt, whatever maxRetries says. */
  maxElapsedMs?: number;
  /** Timeout of one HTTP attempt (MLFLOW_HTTP_REQUEST_TIMEOUT, in seconds). */
  requestTimeoutMs?: number;
}

export const DEFAULT_REST_RETRY: Required<RestRetryConfig> = {
  maxRetries: 7,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  maxElapsedMs: 300_000,
  requestTimeoutMs: 120_000,
};

/** The retry settings from MLflow's environment variables, over the defaults, under explicit ones. */
export function resolveRetryConfig(explicit: RestRetryConfig = {}, env: Record<string, string | undefined> = process.env): Required<RestRetryConfig> {
  const fromEnv: RestRetryConfig = {};
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      throw new WorkbenchError('CONFIG_TYPE', `${name} must be a non-negative number, got '${raw}'`, { where: { source: name } });
    }
    return n;
  };
  const retries = num('MLFLOW_HTTP_REQUEST_MAX_RETRIES');
  if (retries !== undefined) fromEnv.maxRetries = Math.floor(retries);
  const factor = num('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR');
  if (factor !== undefined) fromEnv.initialDelayMs = factor * 1000;
  const timeout = num('MLFLOW_HTTP_REQUEST_TIMEOUT');
  if (timeout !== undefined) fromEnv.requestTimeoutMs = timeout * 1000;
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_REST_RETRY, ...fromEnv, ...defined };
}

/**
 * Backoff before retry number `retry` (0-based): "equal jitter" (half fixed, half random) of
 * initial * 2^retry, capped. Jitter spreads the retries of many sweep workers hitting one server; the fixed
 * half keeps a minimum pause. A server's Retry-After wins when it asks for longer.
 */
export function backoffDelayMs(retry: number, config: Required<RestRetryConfig>, random: () => number, retryAfterMs?: number): number {
  const base = Math.min(config.maxDelayMs, config.initialDelayMs * 2 ** retry);
  const jittered = base / 2 + (random() * base) / 2;
  if (retryAfterMs !== undefined) return Math.min(config.maxDelayMs, Math.max(jittered, retryAfterMs));
  return jittered;
}

/** Retry-After as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
