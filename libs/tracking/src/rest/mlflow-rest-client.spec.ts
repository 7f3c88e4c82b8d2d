import { afterEach, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { startTestServer, transcriptHandler, sendRecorded, type SeenRequest, type TestServer } from '../../test/rest/replay-server.ts';
import { loadTranscript, TRANSCRIPTS, type RecordedExchange } from '../../test/rest/rest-transcript.ts';
import { MlflowRestClient, CREATE_KEY_TAG } from './mlflow-rest-client.ts';
import { MlflowRestError } from './mlflow-rest-error.ts';
import { decodeMetricValue } from './rest-metric-value.ts';

const noSleep = { sleep: async () => {}, env: {} };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function find(exchanges: RecordedExchange[], method: string, pathStart: string, pred: (e: RecordedExchange) => boolean = () => true): RecordedExchange {
  const e = exchanges.find((x) => x.method === method && x.path.startsWith(pathStart) && pred(x));
  if (!e) throw new Error(`no recorded ${method} ${pathStart}`);
  return e;
}

/** A server answering the i-th request with the i-th given recorded exchange, whatever the client sent. */
function scripted(answers: RecordedExchange[], patch: (i: number, body: unknown) => unknown = (_i, b) => b): (req: SeenRequest, res: ServerResponse) => void {
  let i = 0;
  return (_req, res) => {
    const ex = answers[i];
    if (!ex) {
      res.statusCode = 599;
      res.end('script exhausted');
      return;
    }
    const body = patch(i++, ex.response);
    sendRecorded(res, body === ex.response ? ex : { ...ex, responseText: JSON.stringify(body), response: body });
  };
}

describe.each(TRANSCRIPTS)('every recorded exchange of %s, replayed through the transport', (name) => {
  it('returns the recorded body, or throws with the recorded status and error_code', async () => {
    const exchanges = loadTranscript(name);
    const unmatched: SeenRequest[] = [];
    server = await startTestServer(transcriptHandler(exchanges, unmatched));
    const client = new MlflowRestClient(server.url, { ...noSleep, retry: { maxRetries: 0 } });
    let replayed = 0;
    for (const ex of exchanges) {
      // Bodies the recorder cut (1001 metrics, 6001 chars...) cannot be resent; the PUT's file body was not recorded.
      if (ex.requestText !== undefined && ex.request === undefined) continue;
      if (ex.method === 'PUT') continue;
      const [path, query] = ex.path.split('?');
      const q = Object.fromEntries(new URLSearchParams(query ?? ''));
      const call = client.transport.request<unknown>({ method: ex.method, path: path!, query: q, json: ex.request });
      replayed++;
      if (ex.status === 200 && ex.response === undefined && path!.startsWith('/api/2.0/mlflow/')) {
        // A JSON answer the recorder cut mid-way: a broken answer must be an error, never half a result.
        await expect(call).rejects.toMatchObject({ code: 'TRACKING_REQUEST', status: 200, unreachable: false });
        continue;
      }
      if (ex.status === 200) {
        await expect(call).resolves.toEqual(ex.response ?? ex.responseText);
        continue;
      }
      const err = (await call.then(
        () => undefined,
        (e: unknown) => e,
      )) as MlflowRestError;
      expect([ex.index, err]).toEqual([ex.index, expect.any(MlflowRestError)]);
      expect(err.code).toBe('TRACKING_REQUEST');
      expect(err.status).toBe(ex.status);
      expect(err.endpoint).toBe(`${ex.method} ${path}`);
      const recordedCode = (ex.response as { error_code?: string } | undefined)?.error_code;
      expect(err.errorCode).toBe(recordedCode);
      if (recordedCode) expect(err.message).toContain(recordedCode);
      // Only a 5xx that may be transient counts as "unreachable" (and would be retried).
      expect(err.unreachable).toBe(ex.status >= 500 && !/Changing param values/.test(ex.responseText));
    }
    expect(unmatched.map((u) => `${u.method} ${u.url}`)).toEqual([]);
    expect(replayed).toBeGreaterThan(30);
  });
});

describe('typed client against recorded responses (SQLite backend)', () => {
  const ex = loadTranscript('rest-transcript-sqlite.txt');
  const edge = loadTranscript('rest-edge-sqlite.txt');
  const runId = 'c481dbfd81d94c8dab42d9fdc81066be';

  it('reads experiments, runs, history, artifacts and errors exactly as recorded', async () => {
    const unmatched: SeenRequest[] = [];
    server = await startTestServer(transcriptHandler(ex, unmatched));
    const client = new MlflowRestClient(server.url, noSleep);

    const exp = await client.getExperimentByName('rest-probe');
    expect(exp).toMatchObject({ experiment_id: '1', artifact_location: 'mlflow-artifacts:/1', tags: [{ key: 'team', value: 'ts' }] });
    expect(await client.getExperimentByName('does-not-exist')).toBeUndefined();

    const run = await client.getRun(runId);
    expect(run.info.status).toBe('RUNNING');
    const weird = run.data?.metrics?.find((m) => m.key === 'weird');
    expect(weird?.value).toBe('NaN');
    expect(decodeMetricValue(weird!.value)).toBeNaN();

    const missing = await client.getRun('00000000000000000000000000000000').catch((e: unknown) => e as MlflowRestError);
    expect(missing).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', endpoint: 'GET /api/2.0/mlflow/runs/get' });

    const history = await client.getMetricHistory(runId, 'loss');
    expect(history.map((m) => [m.step, m.value])).toEqual([
      [0, 0.9],
      [1, 0.7],
      [2, 0.4],
    ]);

    const byParent = find(ex, 'POST', '/api/2.0/mlflow/runs/search', (e) => JSON.stringify(e.request).includes('parentRunId'));
    const children = await client.searchAllRuns(byParent.request as never);
    expect(children.map((r) => r.info.run_id)).toEqual(['2f1f9d193ab5426e89c0d6dc5a3873ea']);

    const bad = await client.searchRuns({ experiment_ids: ['1'], filter: 'bogus syntax ===' }).catch((e: unknown) => e as MlflowRestError);
    expect(bad).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });

    expect(await client.listArtifacts(runId)).toEqual([{ path: 'dir', is_dir: true }]);
    expect(await client.listArtifacts(runId, 'dir')).toEqual([{ path: 'dir/hello.txt', is_dir: false, file_size: 14 }]);

    const changed = await client.logBatch(runId, { params: [{ key: 'epochs', value: '4' }] }).catch((e: unknown) => e as MlflowRestError);
    expect(changed).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', endpoint: 'POST /api/2.0/mlflow/runs/log-batch' });
    expect((changed as MlflowRestError).message).toContain("'key': 'epochs'");

    const inputs = find(ex, 'POST', '/api/2.0/mlflow/runs/log-inputs').request as { run_id: string; datasets: never[] };
    await client.logInputs(inputs.run_id, inputs.datasets);
    const upd = find(ex, 'POST', '/api/2.0/mlflow/runs/update').request as { run_id: string; status: 'FINISHED'; end_time: number };
    expect((await client.updateRun(upd)).status).toBe('FINISHED');
    await client.setTag(runId, 'stage', 'dev');
    await client.deleteTag(runId, 'tmp');
    await client.deleteRun('2f1f9d193ab5426e89c0d6dc5a3873ea');
    await client.restoreRun('2f1f9d193ab5426e89c0d6dc5a3873ea');
    expect(unmatched.map((u) => `${u.method} ${u.url}`)).toEqual([]);
  });

  it('get-or-create: 404 then create then get, as the Python client does (wire trace)', async () => {
    server = await startTestServer(
      scripted([
        find(ex, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=does-not-exist'),
        find(ex, 'POST', '/api/2.0/mlflow/experiments/create', (e) => e.status === 200),
        find(ex, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=1'),
      ]),
    );
    const client = new MlflowRestClient(server.url, noSleep);
    const exp = await client.getOrCreateExperiment('rest-probe', { tags: { team: 'ts' } });
    expect(exp.experiment_id).toBe('1');
    expect(server.seen.map((s) => `${s.method} ${s.pathname}`)).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'POST /api/2.0/mlflow/experiments/create',
      'GET /api/2.0/mlflow/experiments/get',
    ]);
    expect(server.seen[1]!.json).toEqual({ name: 'rest-probe', tags: [{ key: 'team', value: 'ts' }] });
    expect(server.seen[1]!.headers['content-type']).toBe('application/json');
  });

  it('get-or-create: a racing creator wins, we read its experiment (RESOURCE_ALREADY_EXISTS)', async () => {
    server = await startTestServer(
      scripted([
        find(ex, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=does-not-exist'),
        find(ex, 'POST', '/api/2.0/mlflow/experiments/create', (e) => e.status === 400),
        find(ex, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=rest-probe'),
      ]),
    );
    const client = new MlflowRestClient(server.url, noSleep);
    const exp = await client.getOrCreateExperiment('rest-probe');
    expect(exp).toMatchObject({ experiment_id: '1', name: 'rest-probe' });
    expect(server.seen).toHaveLength(3);
  });

  it('creates a run with its create key and the recorded answer', async () => {
    const created = find(ex, 'POST', '/api/2.0/mlflow/runs/create', (e) => JSON.stringify(e.request).includes('"parent"'));
    server = await startTestServer(scripted([created]));
    const client = new MlflowRestClient(server.url, noSleep);
    const run = await client.createRun(created.request as never, 'k-123');
    expect(run.info.run_id).toBe(runId);
    expect(server.seen[0]!.json).toEqual({ ...(created.request as object), tags: [{ key: 'src', value: 'curl' }, { key: CREATE_KEY_TAG, value: 'k-123' }] });
  });

  it('log-batch: params and tags in one request, metrics in their own, nothing lost', async () => {
    const batch = find(ex, 'POST', '/api/2.0/mlflow/runs/log-batch', (e) => e.status === 200);
    server = await startTestServer(scripted([batch, batch]));
    const client = new MlflowRestClient(server.url, noSleep);
    const recorded = batch.request as { run_id: string; metrics: never[]; params: never[]; tags: never[] };
    await client.logBatch(recorded.run_id, recorded);
    expect(server.seen.map((s) => s.json)).toEqual([
      { run_id: runId, params: recorded.params, tags: recorded.tags },
      { run_id: runId, metrics: recorded.metrics },
    ]);
  });

  it('follows page tokens of runs/search until the empty page', async () => {
    const page = find(ex, 'POST', '/api/2.0/mlflow/runs/search', (e) => JSON.stringify(e.request).includes('parentRunId'));
    const last = find(edge, 'POST', '/api/2.0/mlflow/runs/search', (e) => JSON.stringify(e.request).includes('page_token'));
    const token = (last.request as { page_token: string }).page_token;
    // The recorded first page with the recorded token added: the reference has no complete two-page answer.
    server = await startTestServer(scripted([page, last], (i, b) => (i === 0 ? { ...(b as object), next_page_token: token } : b)));
    const client = new MlflowRestClient(server.url, noSleep);
    const runs = await client.searchAllRuns({ experiment_ids: ['1'], max_results: 1 });
    expect(runs).toHaveLength(1);
    expect(server.seen.map((s) => (s.json as { page_token?: string }).page_token)).toEqual([undefined, token]);
  });

  it('uploads artifacts through the mlflow-artifacts proxy at the recorded path', async () => {
    const put = find(ex, 'PUT', '/api/2.0/mlflow-artifacts/artifacts/');
    server = await startTestServer(scripted([put]));
    const client = new MlflowRestClient(server.url, noSleep);
    await client.uploadArtifact(`mlflow-artifacts:/1/${runId}/artifacts`, 'dir/hello.txt', new TextEncoder().encode('hello artifact\n'), 'text/plain');
    expect(server.seen[0]!.url).toBe(put.path);
    expect(server.seen[0]!.body.toString()).toBe('hello artifact\n');
    expect(() => client.artifactUrlPath('/STORE_ROOT/custom-art-edge/x/artifacts', 'a')).toThrow(/not served by the tracking server/);
    expect(() => client.artifactUrlPath('mlflow-artifacts:/1/r/artifacts', '../x')).toThrow(/leaves the run's artifact folder/);
  });

  it('sends Bearer and Basic auth from the MLflow environment variables', async () => {
    const get = find(ex, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=rest-probe');
    server = await startTestServer(scripted([get, get, get]));
    await new MlflowRestClient(server.url, { env: { MLFLOW_TRACKING_TOKEN: 'tok' } }).getExperimentByName('rest-probe');
    await new MlflowRestClient(server.url, { env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw' } }).getExperimentByName('rest-probe');
    await new MlflowRestClient(server.url.replace('http://', 'http://bob:s%3Ecret@'), { env: {} }).getExperimentByName('rest-probe');
    expect(server.seen.map((s) => s.headers.authorization)).toEqual([
      'Bearer tok',
      `Basic ${Buffer.from('ann:pw').toString('base64')}`,
      `Basic ${Buffer.from('bob:s>cret').toString('base64')}`,
    ]);
  });
});
