import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startTestServer, type SeenRequest, type TestServer } from './replay-server.ts';

/**
 * A small stateful stand-in for an MLflow 2.17 tracking server with a FileStore backend, for the tests that a
 * replay cannot express (faults, retries, spool replay). Like the FileStore it APPENDS every metric point it
 * receives, duplicates included, so a client that resends a point shows up as a duplicate in the history.
 * Status codes and error bodies follow the recorded transcripts (test/fixtures/rest/).
 */
export interface FakeRun {
  info: Record<string, unknown> & { run_id: string; experiment_id: string; status: string; lifecycle_stage: string; artifact_uri: string };
  metrics: { key: string; value: number | string; timestamp: number; step: number }[];
  params: Map<string, string>;
  tags: Map<string, string>;
  inputs: unknown[];
}

export type Fault =
  /** Answer 500 without applying. */
  | 'http500'
  /** Apply, then answer 500 (a server that failed after writing). */
  | 'http500-after-apply'
  /** Answer 429 with this Retry-After header. */
  | { http429: string }
  /** Apply, then cut the connection without an answer (the response is lost). */
  | 'drop-after-apply';

export interface FakeMlflow {
  server: TestServer;
  url: string;
  runs: Map<string, FakeRun>;
  experiments: Map<string, { experiment_id: string; name: string; lifecycle_stage: string; artifact_location: string; tags: { key: string; value: string }[] }>;
  artifacts: Map<string, Buffer>;
  /** Faults fired once each, by the first request they match. */
  faults: { match: (req: SeenRequest) => boolean; fault: Fault }[];
  history(runId: string, key: string): { value: number | string; step: number; timestamp: number }[];
  /** Stops listening (connections are refused), keeping the state. */
  down(): Promise<void>;
  /** Listens again on the same port, with the same state. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const API = '/api/2.0/mlflow';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

export async function startFakeMlflow(port = 0): Promise<FakeMlflow> {
  const fake = {
    runs: new Map(),
    experiments: new Map([['0', { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0', tags: [] }]]),
    artifacts: new Map(),
    faults: [],
  } as unknown as FakeMlflow;

  const apply = (req: SeenRequest): [number, unknown] => {
    const b = (req.json ?? {}) as Record<string, any>;
    const route = `${req.method} ${req.pathname}`;
    const runOf = (id: string): FakeRun | undefined => fake.runs.get(id);
    const noRun = (id: string): [number, unknown] => [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${id}' not found` }];
    if (req.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
      const p = decodeURIComponent(req.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length));
      if (req.method === 'PUT') {
        fake.artifacts.set(p, req.body);
        return [200, {}];
      }
      const data = fake.artifacts.get(p);
      return data ? [200, data] : [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `File ${p} not found` }];
    }
    switch (route) {
      case 'GET /health':
        return [200, 'OK'];
      case `GET ${API}/artifacts/list`: {
        const r = runOf(req.query.get('run_id') ?? '');
        if (!r) return noRun(req.query.get('run_id') ?? '');
        const root = r.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
        const dir = req.query.get('path') ?? '';
        const prefix = `${root}/${dir ? `${dir}/` : ''}`;
        const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
        for (const [p, data] of fake.artifacts) {
          if (!p.startsWith(prefix)) continue;
          const [head, ...tail] = p.slice(prefix.length).split('/');
          const path = `${dir ? `${dir}/` : ''}${head}`;
          entries.set(path, tail.length ? { path, is_dir: true } : { path, is_dir: false, file_size: data.length });
        }
        return [200, { root_uri: r.info.artifact_uri, ...(entries.size ? { files: [...entries.values()] } : {}) }];
      }
      case `GET ${API}/experiments/get-by-name`: {
        const e = [...fake.experiments.values()].find((x) => x.name === req.query.get('experiment_name'));
        return e ? [200, { experiment: e }] : [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Could not find experiment with name '${req.query.get('experiment_name')}'` }];
      }
      case `GET ${API}/experiments/get`: {
        const e = fake.experiments.get(req.query.get('experiment_id') ?? '');
        return e ? [200, { experiment: e }] : [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Could not find experiment' }];
      }
      case `POST ${API}/experiments/create`: {
        if ([...fake.experiments.values()].some((x) => x.name === b.name)) return [400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: `Experiment '${b.name}' already exists.` }];
        const id = String(fake.experiments.size + 100);
        fake.experiments.set(id, { experiment_id: id, name: b.name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${id}`, tags: b.tags ?? [] });
        return [200, { experiment_id: id }];
      }
      case `POST ${API}/runs/create`: {
        if (!fake.experiments.has(b.experiment_id)) return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid experiment ID: '${b.experiment_id ?? ''}'` }];
        const id = randomUUID().replace(/-/g, '');
        const tags = new Map<string, string>((b.tags ?? []).map((t: { key: string; value: string }) => [t.key, t.value]));
        const name = b.run_name ?? tags.get('mlflow.runName') ?? 'fake-run-1';
        tags.set('mlflow.runName', name);
        const run: FakeRun = {
          info: {
            run_uuid: id,
            run_id: id,
            experiment_id: b.experiment_id,
            run_name: name,
            user_id: b.user_id ?? '',
            status: 'RUNNING',
            start_time: b.start_time ?? 0,
            artifact_uri: `mlflow-artifacts:/${b.experiment_id}/${id}/artifacts`,
            lifecycle_stage: 'active',
          },
          metrics: [],
          params: new Map(),
          tags,
          inputs: [],
        };
        fake.runs.set(id, run);
        return [200, { run: view(run) }];
      }
      case `GET ${API}/runs/get`: {
        const r = runOf(req.query.get('run_id') ?? '');
        return r ? [200, { run: view(r) }] : noRun(req.query.get('run_id') ?? '');
      }
      case `POST ${API}/runs/update`: {
        const r = runOf(b.run_id);
        if (!r) return noRun(b.run_id);
        if (b.status) r.info.status = b.status;
        if (b.end_time !== undefined) r.info['end_time'] = b.end_time;
        if (b.run_name) r.info['run_name'] = b.run_name;
        return [200, { run_info: r.info }];
      }
      case `POST ${API}/runs/log-batch`: {
        const r = runOf(b.run_id);
        if (!r) return noRun(b.run_id);
        if ((b.metrics ?? []).length > 1000) return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `A batch logging request can contain at most 1000 metrics. Got ${b.metrics.length} metrics.` }];
        if ((b.params ?? []).length > 100) return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `A batch logging request can contain at most 100 params. Got ${b.params.length} params.` }];
        if ((b.tags ?? []).length > 100) return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `A batch logging request can contain at most 100 tags. Got ${b.tags.length} tags.` }];
        for (const p of b.params ?? []) {
          const old = r.params.get(p.key);
          if (old !== undefined && old !== p.value) return [500, { error_code: 'INTERNAL_ERROR', message: `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}'` }];
        }
        for (const p of b.params ?? []) r.params.set(p.key, p.value);
        for (const m of b.metrics ?? []) {
          if (m.timestamp === undefined) return [400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'timestamp'." }];
          r.metrics.push({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 });
        }
        for (const t of b.tags ?? []) r.tags.set(t.key, t.value);
        return [200, {}];
      }
      case `POST ${API}/runs/set-tag`: {
        const r = runOf(b.run_id);
        if (!r) return noRun(b.run_id);
        r.tags.set(b.key, b.value);
        return [200, {}];
      }
      case `POST ${API}/runs/log-inputs`: {
        const r = runOf(b.run_id);
        if (!r) return noRun(b.run_id);
        for (const d of b.datasets ?? []) if (!r.inputs.some((x) => JSON.stringify(x) === JSON.stringify(d))) r.inputs.push(d);
        return [200, {}];
      }
      case `GET ${API}/metrics/get-history`: {
        const r = runOf(req.query.get('run_id') ?? '');
        if (!r) return noRun(req.query.get('run_id') ?? '');
        const key = req.query.get('metric_key');
        return [200, { metrics: r.metrics.filter((m) => m.key === key) }];
      }
      case `POST ${API}/runs/search`: {
        const m = /^tags\.`?([^`=]+?)`? = '(.*)'$/.exec(b.filter ?? '');
        const runs = [...fake.runs.values()].filter((r) => (b.experiment_ids ?? []).includes(r.info.experiment_id) && (!m || r.tags.get(m[1]!) === m[2]));
        return [200, runs.length ? { runs: runs.map(view) } : {}];
      }
      default:
        return [404, `<!doctype html><title>404 Not Found</title>`];
    }
  };

  const handler = (req: SeenRequest, res: ServerResponse): void => {
    const i = fake.faults.findIndex((f) => f.match(req));
    const fault = i >= 0 ? fake.faults.splice(i, 1)[0]!.fault : undefined;
    if (fault === 'http500') return send(res, 500, { error_code: 'INTERNAL_ERROR', message: 'injected' });
    if (typeof fault === 'object') {
      res.setHeader('Retry-After', fault.http429);
      return send(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'injected rate limit' });
    }
    const [status, body] = apply(req);
    if (fault === 'http500-after-apply') return send(res, 500, { error_code: 'INTERNAL_ERROR', message: 'injected after apply' });
    if (fault === 'drop-after-apply') {
      res.socket?.destroy();
      return;
    }
    if (Buffer.isBuffer(body)) {
      res.statusCode = status;
      res.end(body);
      return;
    }
    if (typeof body === 'string') {
      res.statusCode = status;
      res.setHeader('Content-Type', status === 200 ? 'text/plain' : 'text/html');
      res.end(body);
      return;
    }
    send(res, status, body);
  };
  const server = await startTestServer(handler, port);
  fake.server = server;
  fake.url = server.url;
  fake.down = () => fake.server.close();
  fake.up = async () => {
    const seen = fake.server.seen;
    fake.server = await startTestServer(handler, server.port);
    fake.server.seen.push(...seen);
  };
  fake.history = (runId, key) => (fake.runs.get(runId)?.metrics ?? []).filter((m) => m.key === key).map(({ value, step, timestamp }) => ({ value, step, timestamp }));
  fake.close = () => fake.server.close();
  return fake;
}

function view(r: FakeRun): unknown {
  const kv = (m: Map<string, string>) => [...m].map(([key, value]) => ({ key, value }));
  const latest = new Map<string, FakeRun['metrics'][number]>();
  for (const m of r.metrics) {
    const cur = latest.get(m.key);
    if (!cur || m.step > cur.step || (m.step === cur.step && m.timestamp >= cur.timestamp)) latest.set(m.key, m);
  }
  const data: Record<string, unknown> = {};
  if (latest.size) data['metrics'] = [...latest.values()];
  if (r.params.size) data['params'] = kv(r.params);
  if (r.tags.size) data['tags'] = kv(r.tags);
  return { info: r.info, data, inputs: r.inputs.length ? { dataset_inputs: r.inputs } : {} };
}
