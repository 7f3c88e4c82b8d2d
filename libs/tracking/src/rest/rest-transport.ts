import { resolveRestAuth, type RestAuth } from './rest-auth.ts';
import { MlflowRestError } from './mlflow-rest-error.ts';
import { backoffDelayMs, parseRetryAfter, resolveRetryConfig, type RestRetryConfig } from './rest-retry.ts';

/**
 * One HTTP exchange with an MLflow server, with retries. Retries happen on 429, 5xx and network failures;
 * any other 4xx is the server refusing the request and is thrown at once.
 *
 * Retrying is only safe for requests the server applies idempotently. For the others (metric points, run
 * creation) the caller passes `reconcile`: when an attempt failed in a way that leaves open whether the
 * server applied it (a 5xx, a reset connection, a lost response, a timeout), reconcile is called before the
 * next attempt and asks the server what it already holds, returning what is still to send. Failures that
 * prove the request never arrived (connection refused, unknown host, 429) are retried as is.
 */
export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** e.g. `/api/2.0/mlflow/runs/log-batch`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** Raw bytes (artifact uploads). */
  bytes?: Uint8Array;
  contentType?: string;
  /** Return the 2xx body as bytes (artifact downloads) instead of parsed JSON. */
  bytesResponse?: boolean;
  reconcile?: () => Promise<RestRequest | { done: unknown }>;
}

export interface RestTransportOptions {
  retry?: RestRetryConfig;
  env?: Record<string, string | undefined>;
  /** Injected in tests; default the global fetch of Node 20. */
  fetch?: typeof fetch;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every retry (the store prints it as a warning). */
  onRetry?: (info: { endpoint: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Network failures where the request surely never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * FileStore-backed servers answer a changed param inside log-batch with 500 INTERNAL_ERROR (SQLite ones with
 * 400): deterministic, so not worth retrying.
 */
const DETERMINISTIC_500 = /^Changing param values is not allowed/;

type Attempt =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'refused'; status: number; errorCode: string | undefined; message: string }
  | { kind: 'retry'; status: number | undefined; errorCode: string | undefined; message: string; maybeApplied: boolean; retryAfterMs?: number; cause?: unknown };

export class RestTransport {
  readonly uri: string;
  readonly auth: RestAuth;
  private readonly retry: ReturnType<typeof resolveRetryConfig>;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: RestTransportOptions['onRetry'];

  constructor(uri: string, options: RestTransportOptions = {}) {
    const env = options.env ?? process.env;
    this.uri = uri;
    this.auth = resolveRestAuth(uri, env);
    this.retry = resolveRetryConfig(options.retry, env);
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.onRetry = options.onRetry;
  }

  async request<T>(first: RestRequest): Promise<T> {
    let req = first;
    const started = Date.now();
    let maybeAppliedAny = false;
    for (let attempt = 0; ; attempt++) {
      const endpoint = `${req.method} ${req.path}`;
      const result = await this.attempt(req);
      if (result.kind === 'ok') return result.body as T;
      if (result.kind === 'refused') {
        throw new MlflowRestError(describe(endpoint, result.status, result.errorCode, result.message), {
          status: result.status,
          errorCode: result.errorCode,
          endpoint,
          uri: this.uri,
          attempts: attempt + 1,
          maybeApplied: maybeAppliedAny,
          unreachable: false,
        });
      }
      maybeAppliedAny ||= result.maybeApplied;
      const delayMs = backoffDelayMs(attempt, this.retry, this.random, result.retryAfterMs);
      const outOfTime = Date.now() + delayMs - started > this.retry.maxElapsedMs;
      if (attempt >= this.retry.maxRetries || outOfTime) {
        throw new MlflowRestError(`${describe(endpoint, result.status, result.errorCode, result.message)} (gave up after ${attempt + 1} attempts)`, {
          status: result.status,
          errorCode: result.errorCode,
          endpoint,
          uri: this.uri,
          attempts: attempt + 1,
          maybeApplied: maybeAppliedAny,
          unreachable: true,
          cause: result.cause,
          hint: 'check that the tracking server is up; retries: MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_TIMEOUT',
        });
      }
      this.onRetry?.({ endpoint, attempt: attempt + 1, delayMs, reason: result.message });
      await this.sleep(delayMs);
      if (result.maybeApplied && req.reconcile) {
        const next = await req.reconcile();
        if ('done' in next) return next.done as T;
        req = next;
      }
    }
  }

  private async attempt(req: RestRequest): Promise<Attempt> {
    const url = new URL(this.auth.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'User-Agent': 'workbench-mlflow-client' };
    if (this.auth.authorization) headers['Authorization'] = this.auth.authorization;
    // Uint8Array<ArrayBuffer>: what fetch's BodyInit accepts under newer DOM typings (Deno's), not just Node's.
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['Content-Type'] = 'application/json';
    } else if (req.bytes !== undefined) {
      body = req.bytes.buffer instanceof ArrayBuffer ? (req.bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(req.bytes);
      headers['Content-Type'] = req.contentType ?? 'application/octet-stream';
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: req.method, headers, body, signal: AbortSignal.timeout(this.retry.requestTimeoutMs) });
    } catch (e) {
      const code = networkCode(e);
      return { kind: 'retry', status: undefined, errorCode: undefined, message: `network error ${code ?? innermostMessage(e)}`, maybeApplied: !NOT_SENT_CODES.has(code ?? ''), cause: e };
    }
    let text: string;
    try {
      if (req.bytesResponse && response.ok) return { kind: 'ok', status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
      text = await response.text();
    } catch (e) {
      // The status came but the body was cut: the server did process the request.
      return { kind: 'retry', status: response.status, errorCode: undefined, message: `response body lost (${networkCode(e) ?? String(e)})`, maybeApplied: true, cause: e };
    }
    const parsed = parseJson(text);
    if (response.ok && parsed === undefined && req.path.startsWith('/api/2.0/mlflow/')) {
      // A 200 that is not JSON (an SSO login page, a misrouted proxy) is not an MLflow answer.
      const snippet = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
      return { kind: 'refused', status: response.status, errorCode: undefined, message: `the answer is not JSON (${response.headers.get('content-type') ?? 'no content type'}): ${snippet}` };
    }
    if (response.ok) return { kind: 'ok', status: response.status, body: parsed ?? text };
    const errorCode = isErrorBody(parsed) ? parsed.error_code : undefined;
    const message = isErrorBody(parsed) ? parsed.message : text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    if (response.status === 429) {
      return { kind: 'retry', status: 429, errorCode, message: `HTTP 429 ${message}`, maybeApplied: false, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    }
    if (response.status >= 500 && !DETERMINISTIC_500.test(message)) {
      return {
        kind: 'retry',
        status: response.status,
        errorCode,
        message: `HTTP ${response.status} ${message}`,
        maybeApplied: true,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      };
    }
    return { kind: 'refused', status: response.status, errorCode, message };
  }
}

function describe(endpoint: string, status: number | undefined, errorCode: string | undefined, message: string): string {
  const what = status === undefined ? 'no answer' : `HTTP ${status}${errorCode ? ` ${errorCode}` : ''}`;
  // MLflow's SQL errors quote whole statements; the first lines say what matters.
  const short = message.length > 600 ? `${message.slice(0, 600)}...` : message;
  return `MLflow ${endpoint}: ${what}: ${short}`;
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(x: unknown): x is { error_code: string; message: string } {
  return typeof x === 'object' && x !== null && typeof (x as { error_code?: unknown }).error_code === 'string';
}

/** The errno-like code of a fetch failure (undici wraps it in `cause`, sometimes twice). */
function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string') return c.code;
    if (c.name === 'TimeoutError' || c.name === 'AbortError') return 'TIMEOUT';
    // Happy-eyeballs connects fail with an AggregateError of per-address errors.
    if (Array.isArray(c.errors) && c.errors.length > 0) cur = c.errors[0];
    else cur = c.cause;
  }
  return undefined;
}

/** The deepest `cause` message ("fetch failed" says nothing; its cause says e.g. "bad port"). */
function innermostMessage(e: unknown): string {
  let cur: unknown = e;
  let msg = String(e);
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { message?: unknown; cause?: unknown };
    if (typeof c.message === 'string' && c.message !== '') msg = c.message;
    cur = c.cause;
  }
  return msg;
}
