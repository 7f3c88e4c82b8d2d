import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { startFakeMlflow, type FakeMlflow } from '../../test/rest/fake-mlflow-server.ts';
import { startTestServer } from '../../test/rest/replay-server.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { MlflowRestError } from './mlflow-rest-error.ts';
import type { RestMetric } from './mlflow-rest-types.ts';
import { backoffDelayMs, DEFAULT_REST_RETRY, parseRetryAfter, resolveRetryConfig } from './rest-retry.ts';

let fake: FakeMlflow | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const isLogBatch = (r: { pathname: string }) => r.pathname.endsWith('/runs/log-batch');
const points = (n: number, key = 'loss', t0 = 1795344416031): RestMetric[] =>
  Array.from({ length: n }, (_, i) => ({ key, value: i === 3 ? 'NaN' : 1 / (i + 1), timestamp: t0 + i, step: i }));

/** A client whose backoff sleeps are recorded instead of waited. */
function client(url: string, sleeps: number[] = [], retry = {}): MlflowRestClient {
  return new MlflowRestClient(url, { env: {}, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, retry });
}

async function newRun(c: MlflowRestClient): Promise<string> {
  const exp = await c.getOrCreateExperiment('faults');
  return (await c.createRun({ experiment_id: exp.experiment_id, start_time: 1 }, 'key-1')).info.run_id;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('retries never lose or duplicate a metric point', () => {
  it('500 before applying, then success: every point once', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const runId = await newRun(c);
    fake.faults.push({ match: isLogBatch, fault: 'http500' }, { match: isLogBatch, fault: 'http500' });
    await c.logBatch(runId, { metrics: points(5) });
    expect(fake.history(runId, 'loss').map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
  });

  it('500 AFTER the server applied the batch: the retry checks the history and sends nothing twice', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const runId = await newRun(c);
    fake.faults.push({ match: isLogBatch, fault: 'http500-after-apply' });
    await c.logBatch(runId, { metrics: points(5) });
    expect(fake.history(runId, 'loss').map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    const hist = fake.server.seen.filter((r) => r.pathname.endsWith('/metrics/get-history'));
    expect(hist).toHaveLength(1);
    expect(fake.server.seen.filter(isLogBatch)).toHaveLength(1);
  });

  it('response lost after the server applied the request (connection cut): no duplicate point, no second run', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const exp = await c.getOrCreateExperiment('faults');
    fake.faults.push({ match: (r) => r.pathname.endsWith('/runs/create'), fault: 'drop-after-apply' });
    const run = await c.createRun({ experiment_id: exp.experiment_id, start_time: 1 }, 'create-once');
    expect(fake.runs.size).toBe(1);
    expect(run.info.run_id).toBe([...fake.runs.keys()][0]);

    // Two batches (1000 + 500 points); the answer of the second is lost after it was applied.
    let batches = 0;
    fake.faults.push({ match: (r) => isLogBatch(r) && ++batches === 2, fault: 'drop-after-apply' });
    await c.logBatch(run.info.run_id, { metrics: points(1500) });
    const steps = fake.history(run.info.run_id, 'loss').map((p) => p.step);
    expect(steps).toHaveLength(1500);
    expect(new Set(steps).size).toBe(1500);
  });

  it('a batch partly applied before the failure: only the missing points are resent', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const runId = await newRun(c);
    // The server already holds the first 2 points (as after a crash mid-batch on a FileStore server).
    const run = fake.runs.get(runId)!;
    const pts = points(4);
    run.metrics.push(...pts.slice(0, 2).map((p) => ({ ...p, step: p.step ?? 0 })));
    fake.faults.push({ match: isLogBatch, fault: 'http500' });
    await c.logBatch(runId, { metrics: pts });
    expect(fake.history(runId, 'loss').map((p) => p.step)).toEqual([0, 1, 2, 3]);
    const sent = fake.server.seen.filter(isLogBatch).map((r) => (r.json as { metrics: RestMetric[] }).metrics.length);
    expect(sent).toEqual([4, 2]);
  });

  it('429 with Retry-After: waits as asked, resends as is (the server applied nothing)', async () => {
    fake = await startFakeMlflow();
    const sleeps: number[] = [];
    const c = client(fake.url, sleeps);
    const runId = await newRun(c);
    fake.faults.push({ match: isLogBatch, fault: { http429: '3' } });
    await c.logBatch(runId, { metrics: points(3) });
    expect(sleeps).toEqual([3000]);
    expect(fake.server.seen.filter((r) => r.pathname.endsWith('/metrics/get-history'))).toHaveLength(0);
    expect(fake.history(runId, 'loss')).toHaveLength(3);
  });

  it('connection refused until the server comes up: retried with growing backoff, points once', async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    let attempts = 0;
    const c = new MlflowRestClient(`http://127.0.0.1:${port}`, {
      env: {},
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (++attempts === 3) fake = await startFakeMlflow(port);
      },
    });
    const exp = await c.getOrCreateExperiment('late-server');
    expect(exp.name).toBe('late-server');
    expect(sleeps).toEqual([750, 1500, 3000]);
    const runId = (await c.createRun({ experiment_id: exp.experiment_id }, 'k')).info.run_id;
    await c.logBatch(runId, { metrics: points(2) });
    expect(fake!.history(runId, 'loss')).toHaveLength(2);
  });

  it('a server that stays unreachable: an error that says so, after the configured retries', async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    const c = client(`http://127.0.0.1:${port}`, sleeps, { maxRetries: 3 });
    const err = (await c.getExperimentByName('x').catch((e: unknown) => e)) as MlflowRestError;
    expect(err).toBeInstanceOf(MlflowRestError);
    expect(err).toMatchObject({ code: 'TRACKING_REQUEST', unreachable: true, maybeApplied: false, status: undefined });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.details).toMatchObject({ attempts: 4 });
    expect(sleeps).toHaveLength(3);
  });

  it('a 200 that is not JSON (a login page of a proxy) is an error, not an answer', async () => {
    const proxy = await startTestServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<html><body><h1>Sign in</h1></body></html>');
    });
    try {
      const err = (await client(proxy.url).getExperimentByName('x').catch((e: unknown) => e)) as MlflowRestError;
      expect(err).toMatchObject({ code: 'TRACKING_REQUEST', status: 200, unreachable: false, endpoint: 'GET /api/2.0/mlflow/experiments/get-by-name' });
      expect(err.message).toContain('the answer is not JSON (text/html): Sign in');
    } finally {
      await proxy.close();
    }
  });

  it('a refusal (4xx) is not retried', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const err = (await c.createRun({ experiment_id: '999' }, 'k').catch((e: unknown) => e)) as MlflowRestError;
    expect(err).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', unreachable: false });
    expect(fake.server.seen.filter((r) => r.pathname.endsWith('/runs/create'))).toHaveLength(1);
  });

  it('a changed param on a FileStore-backed server (500 INTERNAL_ERROR) is not retried', async () => {
    fake = await startFakeMlflow();
    const c = client(fake.url);
    const runId = await newRun(c);
    await c.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
    const err = (await c.logBatch(runId, { params: [{ key: 'lr', value: '0.2' }] }).catch((e: unknown) => e)) as MlflowRestError;
    expect(err).toMatchObject({ status: 500, errorCode: 'INTERNAL_ERROR', unreachable: false });
    expect(fake.server.seen.filter(isLogBatch)).toHaveLength(2);
  });
});

describe('backoff', () => {
  it('doubles per retry, jitters within [base/2, base], caps, and honours Retry-After', () => {
    const cfg = { ...DEFAULT_REST_RETRY, initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, cfg, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, cfg, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(0, cfg, () => 0, 700)).toBe(700);
    expect(backoffDelayMs(0, cfg, () => 0, 5000)).toBe(1000);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('reads MLflow environment variables, explicit settings win', () => {
    const env = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5', MLFLOW_HTTP_REQUEST_TIMEOUT: '10' };
    expect(resolveRetryConfig({}, env)).toMatchObject({ maxRetries: 2, initialDelayMs: 500, requestTimeoutMs: 10000 });
    expect(resolveRetryConfig({ maxRetries: 9 }, env).maxRetries).toBe(9);
    expect(() => resolveRetryConfig({}, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: 'many' })).toThrow(/MLFLOW_HTTP_REQUEST_MAX_RETRIES must be a non-negative number, got 'many'/);
  });
});
