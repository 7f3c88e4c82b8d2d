import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from '@workbench/core';
import { materializeGolden, REFERENCE_DB, removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { loadTranscript, type RecordedExchange } from '../test/rest/rest-transcript.ts';
import { TrackingReader } from './reader.ts';
import type { Run } from './store.ts';

afterAll(removeTempDirs);

/** What a recorded REST `Run` says, in the store's model (NaN arrives as the string "NaN"). */
function fromRest(run: any): Run {
  const value = (v: number | string) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v));
  const pairs = (list: { key: string; value: string }[] | undefined) => Object.fromEntries((list ?? []).map((p) => [p.key, p.value]));
  return {
    info: {
      runId: run.info.run_id,
      experimentId: run.info.experiment_id,
      runName: run.info.run_name,
      userId: run.info.user_id,
      status: run.info.status,
      startTime: run.info.start_time,
      endTime: run.info.end_time ?? null,
      artifactUri: run.info.artifact_uri,
      lifecycleStage: run.info.lifecycle_stage,
    },
    data: {
      params: pairs(run.data.params),
      tags: pairs(run.data.tags),
      metrics: (run.data.metrics ?? []).map((m: any) => ({ key: m.key, value: value(m.value), timestamp: m.timestamp, step: m.step })),
    },
    inputs: [],
  };
}

const sortMetrics = (ms: MetricPoint[]) => [...ms].sort((a, b) => (a.key < b.key ? -1 : 1));
const normalize = (r: Run) => ({ ...r, data: { ...r.data, metrics: sortMetrics(r.data.metrics) }, inputs: [] });

function last(exchanges: RecordedExchange[], method: string, pathPrefix: string): RecordedExchange {
  const found = exchanges.filter((e) => e.method === method && e.path.startsWith(pathPrefix) && e.status === 200);
  expect(found.length).toBeGreaterThan(0);
  return found[found.length - 1];
}

describe('TrackingReader over the reference MLflow database (written by a real MLflow 2.17.2 server)', () => {
  let reader: TrackingReader;
  const transcript = loadTranscript('rest-transcript-sqlite.txt');
  const edge = loadTranscript('rest-edge-sqlite.txt');

  beforeAll(async () => {
    // A copy: the fixture is never touched, even by SQLite's read-only shared-memory files.
    const dir = tempDir();
    copyFileSync(REFERENCE_DB, join(dir, 'mlflow.db'));
    reader = await TrackingReader.open({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {}, readOnly: true });
  });
  afterAll(() => reader.close());

  it('returns runs as the last recorded runs/get responses show them (info, params, tags, latest metrics incl. NaN)', async () => {
    const ex = last(transcript, 'GET', '/api/2.0/mlflow/runs/get?run_id=c481dbfd81d94c8dab42d9fdc81066be');
    const expected = fromRest((ex.response as any).run);
    expect(normalize(await reader.run('c481dbfd81d94c8dab42d9fdc81066be'))).toEqual(normalize(expected));
  });

  it('returns a run as a response the recorder cut shows it (its info and every metric before the cut, incl. clamped +inf)', async () => {
    const ex = last(edge, 'GET', '/api/2.0/mlflow/runs/get?run_id=d5f42056b80d4e0596e0df29dd6662ca');
    expect(ex.response).toBeUndefined();
    const info = JSON.parse(/"info": (\{[^}]*\})/.exec(ex.responseText)![1]);
    const metrics = [...ex.responseText.matchAll(/\{ "key": "([^"]+)", "value": ([^,]+), "timestamp": (\d+), "step": (-?\d+) \}/g)].map((m) => ({
      key: m[1],
      value: Number(m[2]),
      timestamp: Number(m[3]),
      step: Number(m[4]),
    }));
    expect(metrics.map((m) => m.key)).toEqual(['m', 'inf', 'ok key/with-chars_.', 'bm']);
    const run = await reader.run('d5f42056b80d4e0596e0df29dd6662ca');
    expect(run.info).toEqual(fromRest({ info, data: {} }).info);
    for (const m of metrics) expect(run.data.metrics).toContainEqual(m);
  });

  it('returns metric histories as recorded (get-history), incl. a negative step', async () => {
    const m = last(edge, 'GET', '/api/2.0/mlflow/metrics/get-history?run_id=d5f42056b80d4e0596e0df29dd6662ca&metric_key=m');
    expect(await reader.metricHistory('d5f42056b80d4e0596e0df29dd6662ca', 'm')).toEqual((m.response as any).metrics);
    // The loss history was recorded before a later log-batch added step 9: the recorded points come first.
    const loss = last(transcript, 'GET', '/api/2.0/mlflow/metrics/get-history?run_id=c481dbfd81d94c8dab42d9fdc81066be&metric_key=loss');
    const history = await reader.metricHistory('c481dbfd81d94c8dab42d9fdc81066be', 'loss');
    expect(history.slice(0, 3)).toEqual((loss.response as any).metrics);
    expect(history.slice(3)).toEqual([{ key: 'loss', value: 0.1, timestamp: 1795344416031, step: 9 }]);
    const later = transcript.filter((e) => e.path === '/api/2.0/mlflow/runs/log-metric' && e.requestText?.includes('"step":9'));
    expect(later.map((e) => e.index)).toEqual([expect.any(Number)]);
    expect(later[0].index).toBeGreaterThan(loss.index);
  });

  it('returns experiments as recorded (experiments/get), by name or id', async () => {
    const ex = last(edge, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=2');
    const e = (ex.response as any).experiment;
    expect(await reader.experiment('edge')).toEqual({
      experimentId: e.experiment_id,
      name: e.name,
      artifactLocation: e.artifact_location,
      lifecycleStage: e.lifecycle_stage,
      creationTime: e.creation_time,
      lastUpdateTime: e.last_update_time,
      tags: {},
    });
    expect((await reader.experiment('1')).tags).toEqual({ team: 'ts', k2: 'v2' });
    expect((await reader.experiments()).map((x) => x.name)).toEqual(['Default', 'rest-probe-renamed', 'edge', 'edge-x']);
    await expect(reader.experiment('nope')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND', message: expect.stringContaining("'nope'") });
  });

  it('finds runs by tag, param and status across experiments; reads dataset inputs', async () => {
    const children = await reader.findRuns({ tags: { 'mlflow.parentRunId': 'c481dbfd81d94c8dab42d9fdc81066be' } });
    expect(children.map((r) => r.info.runId)).toEqual(['2f1f9d193ab5426e89c0d6dc5a3873ea']);
    expect(children[0].inputs).toEqual([{ dataset: { name: 'ds', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/x.csv"}' }, tags: { 'mlflow.data.context': 'training' } }]);
    expect((await reader.findRuns({ params: { lr: '0.01' } })).map((r) => r.info.runName)).toEqual(['parent-renamed']);
    expect((await reader.findRuns({ statuses: ['KILLED'] })).map((r) => r.info.runName)).toEqual(['edge-run']);
    expect((await reader.findRuns({ experiments: ['rest-probe-renamed'], statuses: ['FINISHED'] })).map((r) => r.info.runName).sort()).toEqual(['parent-renamed', 'suave-ram-138']);
    // Artifacts of a server store live behind the server: a clear error, not a wrong local path.
    await expect(reader.artifactFiles('c481dbfd81d94c8dab42d9fdc81066be')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND', message: expect.stringContaining('mlflow-artifacts:/') });
  });
});

describe('TrackingReader over the golden FileStore tree (written by the MLflow 2.17.2 Python client)', () => {
  let reader: TrackingReader;
  beforeAll(async () => {
    const root = materializeGolden('golden-mlruns');
    reader = await TrackingReader.open({ uri: `file:${root}`, env: {}, readOnly: true });
  });
  afterAll(() => reader.close());

  it('reads experiments, runs, params, tags, latest metrics, histories, inputs and artifacts', async () => {
    expect((await reader.experiments()).map((e) => [e.name, e.tags])).toEqual([
      ['Default', {}],
      ['golden', { project: 'ts-check' }],
    ]);
    const runs = await reader.findRuns({ experiments: ['golden'] });
    expect(runs.map((r) => r.info.runName)).toEqual(['child', 'parent']);
    const parent = runs[1];
    expect(parent.info).toMatchObject({ runId: '1b7af006f9554756975831a1a60fdd5a', status: 'FINISHED', userId: 'root', startTime: 1795344175778, endTime: 1795344175792 });
    expect(parent.data.params).toEqual({ batch_size: '32', lr: '0.01', optimizer: 'adam' });
    expect(parent.data.tags).toMatchObject({ unicode: 'héllo', 'mlflow.note.content': 'parent run', owner: 'ts-tool' });
    expect(await reader.latestMetrics(parent.info.runId)).toEqual({ accuracy: 0.9, int_metric: 3, loss: 0.25, tiny: 1e-5 });
    expect((await reader.metricHistory(parent.info.runId, 'loss')).map((p) => [p.step, p.value, p.timestamp])).toEqual([
      [0, 1, 1700000000000],
      [1, 0.5, 1700000001000],
      [2, 0.25, 1700000002000],
    ]);
    const [child] = await reader.children(parent);
    expect(child.info.runName).toBe('child');
    expect(Number.isNaN((await reader.latestMetrics(child.info.runId))['nan_metric'])).toBe(true);
    expect(child.inputs[0].dataset).toMatchObject({ name: 'toy', digest: '92a7ac9c', source: '{"uri": "/data/toy.npy"}', sourceType: 'local' });
    expect(child.inputs[0].dataset.schema).toContain('"mlflow_tensorspec"');
    expect(child.inputs[0].tags).toEqual({ 'mlflow.data.context': 'training' });
    expect((await reader.artifactFiles(parent.info.runId)).map((a) => [a.path, a.fileSize])).toEqual([
      ['config/params.json', 12],
      ['docs/readme.txt', 23],
      ['readme.txt', 23],
    ]);
    expect(await reader.readArtifactText(parent.info.runId, 'docs/readme.txt')).toBe('golden artifact\nline 2\n');
  });
});
