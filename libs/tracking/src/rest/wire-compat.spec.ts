import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test/rest/replay-server.ts';
import { FIXTURES_DIR } from '../../test/rest/rest-transcript.ts';
import { MlflowRestClient, CREATE_KEY_TAG } from './mlflow-rest-client.ts';

/** One request of wire-trace.txt: what the MLflow 2.17.2 Python client sent for a typical run. */
interface WireRequest {
  method: string;
  path: string;
  contentType: string;
  body: string;
  status: number;
}

function loadWireTrace(): WireRequest[] {
  const lines = readFileSync(join(FIXTURES_DIR, 'wire-trace.txt'), 'utf8').split('\n');
  const out: WireRequest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(GET|POST|PUT) (\S+) ct=(\S+) ua=/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [lines[i + 1]!.replace(/^ {2}body: ?/, '')];
    let j = i + 2;
    for (; !lines[j]!.startsWith('  -> '); j++) body.push(lines[j]!);
    out.push({ method: m[1]!, path: m[2]!, contentType: m[3]!, body: body.join('\n'), status: Number(/^ {2}-> (\d+)/.exec(lines[j]!)![1]) });
    i = j;
  }
  return out;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the client sends what the MLflow Python client sends (wire-trace.txt)', () => {
  const trace = loadWireTrace();
  const find = (method: string, prefix: string, n = 0) => trace.filter((t) => t.method === method && t.path.startsWith(prefix))[n]!;

  it('same routes, query strings, content types and bodies', async () => {
    expect(trace).toHaveLength(16);
    const runId = '7e63d37afece495abf2bf9c1a8df0455';
    // Minimal valid answers; the bodies the client sends are what is compared.
    server = await startTestServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.pathname.endsWith('/experiments/get-by-name')) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'wire'" }));
      }
      if (req.pathname.endsWith('/experiments/create')) return res.end('{"experiment_id": "5"}');
      if (req.pathname.endsWith('/experiments/get')) return res.end(JSON.stringify({ experiment: { experiment_id: '5', name: 'wire', artifact_location: 'mlflow-artifacts:/5', lifecycle_stage: 'active' } }));
      const info = { run_id: runId, experiment_id: '5', status: 'RUNNING', lifecycle_stage: 'active', artifact_uri: `mlflow-artifacts:/5/${runId}/artifacts` };
      if (req.pathname.endsWith('/runs/create')) return res.end(JSON.stringify({ run: { info, data: {} } }));
      if (req.pathname.endsWith('/runs/update')) return res.end(JSON.stringify({ run_info: { ...info, status: 'FINISHED' } }));
      res.end('{}');
    });
    const client = new MlflowRestClient(server.url, { env: {} });
    await client.getOrCreateExperiment('wire');
    const createBody = JSON.parse(find('POST', '/api/2.0/mlflow/runs/create').body);
    await client.createRun(createBody, 'ck');
    const batchBody = JSON.parse(find('POST', '/api/2.0/mlflow/runs/log-batch').body);
    await client.logBatch(runId, { metrics: batchBody.metrics });
    await client.uploadArtifact(`mlflow-artifacts:/5/${runId}/artifacts`, 'hello.txt', new TextEncoder().encode('hello\n'), 'text/plain');
    await client.updateRun({ run_id: runId, status: 'FINISHED', end_time: 1795344268150 });

    const seen = server.seen;
    const pythonOrder = ['GET /api/2.0/mlflow/experiments/get-by-name', 'POST /api/2.0/mlflow/experiments/create', 'GET /api/2.0/mlflow/experiments/get'];
    expect(seen.slice(0, 3).map((s) => `${s.method} ${s.pathname}`)).toEqual(pythonOrder);
    expect(seen[0]!.url).toBe(find('GET', '/api/2.0/mlflow/experiments/get-by-name').path);
    expect(seen[1]!.json).toEqual(JSON.parse(find('POST', '/api/2.0/mlflow/experiments/create').body));
    expect(seen[2]!.url).toBe(find('GET', '/api/2.0/mlflow/experiments/get?').path);
    // runs/create: the same body plus our idempotency tag.
    expect(seen[3]!.json).toEqual({ ...createBody, tags: [...createBody.tags, { key: CREATE_KEY_TAG, value: 'ck' }] });
    expect(seen[4]!.json).toEqual(batchBody);
    const put = find('PUT', '/api/2.0/mlflow-artifacts/');
    expect([seen[5]!.method, seen[5]!.url, seen[5]!.headers['content-type'], seen[5]!.body.toString()]).toEqual(['PUT', put.path, put.contentType, put.body]);
    // The Python client repeats run_id as the deprecated run_uuid; the server reads either.
    const update = JSON.parse(find('POST', '/api/2.0/mlflow/runs/update', 1).body);
    delete update.run_uuid;
    expect(seen[6]!.json).toEqual(update);
    for (const s of seen.filter((x) => x.method === 'POST')) expect(s.headers['content-type']).toBe('application/json');
  });
});
