import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeMlflow, type FakeMlflow } from '../../test/rest/fake-mlflow-server.ts';
import { startTestServer, transcriptHandler, type SeenRequest } from '../../test/rest/replay-server.ts';
import { loadTranscript } from '../../test/rest/rest-transcript.ts';
import { toFilter } from './rest-conversions.ts';
import { openStore } from '../open-store.ts';
import { CREATE_KEY_TAG } from './mlflow-rest-client.ts';
import { RestStore } from './rest-store.ts';
import { SpoolFile } from './spool.ts';
import { syncSpool } from './spool-sync.ts';

let fake: FakeMlflow;
let dir: string;
const warnings: string[] = [];
beforeEach(async () => {
  fake = await startFakeMlflow();
  dir = mkdtempSync(join(tmpdir(), 'wb-rest-store-'));
  warnings.length = 0;
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function store(retries = 1): RestStore {
  return new RestStore(fake.url, { env: {}, spoolDir: join(dir, 'spool'), sleep: async () => {}, retry: { maxRetries: retries }, warn: (m) => void warnings.push(m) });
}
const metrics = (n: number, t0 = 1795344416031) => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: i === 1 ? NaN : i === 2 ? Infinity : 1 / (i + 1), timestamp: t0 + i, step: i }));
const logBatches = () => fake.server.seen.filter((r) => r.pathname.endsWith('/runs/log-batch'));

describe('RestStore against an MLflow server', () => {
  it('logs and reads back params, tags, metrics (non-finite as MLflow sends them), inputs and artifacts', async () => {
    const s = store();
    const exp = await s.getOrCreateExperiment('store', { team: 'ts' });
    const run = await s.createRun({ experimentId: exp.experimentId, runName: 'r1', tags: { a: 'b' }, startTime: 5 });
    expect(run.info).toMatchObject({ runName: 'r1', status: 'RUNNING', startTime: 5, endTime: null });
    await s.logBatch(run.info.runId, { params: [{ key: 'lr', value: '0.01' }], tags: [{ key: 'stage', value: 'dev' }], metrics: metrics(4) });
    await s.logInputs(run.info.runId, [{ name: 'ds', digest: 'abc123', source: '{"uri": "/data/x.csv"}', sourceType: 'local', context: 'training' }]);
    await s.putArtifact(run.info.runId, 'dir/hello.txt', 'hello artifact\n');
    const child = await s.createRun({ experimentId: exp.experimentId, parentRunId: run.info.runId });
    const ended = await s.updateRun(run.info.runId, { status: 'FINISHED', endTime: 9 });
    expect(ended).toMatchObject({ status: 'FINISHED', endTime: 9 });

    const back = await s.getRun(run.info.runId);
    expect(back.data.params).toEqual({ lr: '0.01' });
    expect(back.data.tags).toMatchObject({ a: 'b', stage: 'dev', 'mlflow.runName': 'r1' });
    expect(back.data.tags[CREATE_KEY_TAG]).toMatch(/^[0-9a-f-]{36}$/);
    expect(back.inputs).toEqual([{ dataset: { name: 'ds', digest: 'abc123', source: '{"uri": "/data/x.csv"}', sourceType: 'local' }, tags: { 'mlflow.data.context': 'training' } }]);
    const hist = await s.getMetricHistory(run.info.runId, 'loss');
    expect(hist.map((p) => p.value)).toEqual([1, NaN, Infinity, 0.25]);
    // The wire carried MLflow's strings for the non-finite values.
    expect(fake.history(run.info.runId, 'loss').map((p) => p.value)).toEqual([1, 'NaN', 'Infinity', 0.25]);
    expect(await s.listArtifacts(run.info.runId)).toEqual([{ path: 'dir', isDir: true }]);
    expect(await s.listArtifacts(run.info.runId, 'dir')).toEqual([{ path: 'dir/hello.txt', isDir: false, fileSize: 15 }]);
    expect(new TextDecoder().decode(await s.getArtifact(run.info.runId, 'dir/hello.txt'))).toBe('hello artifact\n');
    const children = await s.searchRuns({ experimentIds: [exp.experimentId], tags: { 'mlflow.parentRunId': run.info.runId } });
    expect(children.runs.map((r) => r.info.runId)).toEqual([child.info.runId]);
    expect(warnings).toEqual([]);
  });

  it('bad input: an invalid key is refused before sending, a changed param names the key, an unknown run is TRACKING_NOT_FOUND', async () => {
    const s = store();
    const exp = await s.getOrCreateExperiment('bad');
    const { info } = await s.createRun({ experimentId: exp.experimentId });
    const bad = await s.logBatch(info.runId, { metrics: [{ key: 'bad*key', value: 1, step: 0, timestamp: 1 }] }).then(() => undefined, (e: unknown) => e as Error & { code: string });
    expect(bad?.code).toBe('TRACKING_INVALID');
    expect(bad?.message).toContain("'bad*key'");
    expect(logBatches()).toHaveLength(0);
    await s.logBatch(info.runId, { params: [{ key: 'lr', value: '1' }] });
    const err = await s.logBatch(info.runId, { params: [{ key: 'lr', value: '2' }] }).then(() => undefined, (e: unknown) => e as Error & { code: string });
    expect(err?.code).toBe('TRACKING_INVALID');
    expect(err?.message).toContain("param 'lr' was already logged with another value");
    await expect(s.getRun('0'.repeat(32))).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND' });
  });
});

describe('RestStore on the recorded responses of a real MLflow 2.17.2 server', () => {
  it.each(['sqlite', 'file'])('reads runs, history, artifacts and experiments as recorded (%s backend)', async (backend) => {
    const ex = loadTranscript(`rest-transcript-${backend}.txt`);
    const runId = /runs\/get\?run_id=([0-9a-f]{32})/.exec(ex.map((e) => e.path).join('\n'))![1]!;
    const unmatched: SeenRequest[] = [];
    const replay = await startTestServer(transcriptHandler(ex, unmatched));
    try {
      const s = new RestStore(replay.url, { env: {}, spoolDir: join(dir, 'spool'), warn: () => {} });
      const exp = await s.getExperimentByName('rest-probe');
      expect(exp).toMatchObject({ name: 'rest-probe', lifecycleStage: 'active', tags: { team: 'ts' } });
      expect(await s.getExperimentByName('does-not-exist')).toBeUndefined();
      const run = await s.getRun(runId);
      expect(run.info).toMatchObject({ runId, experimentId: exp!.experimentId, runName: 'parent', status: 'RUNNING', endTime: null, lifecycleStage: 'active' });
      expect(run.data.params).toMatchObject({ lr: '0.01', epochs: '3' });
      expect(run.data.params['long']).toHaveLength(6000);
      expect(run.data.tags).toEqual({ src: 'curl', 'mlflow.runName': 'parent', stage: 'dev', 'mlflow.note.content': 'hello' });
      const latest = Object.fromEntries(run.data.metrics.map((m) => [m.key, [m.value, m.step]]));
      expect(latest).toEqual({ loss: [0.4, 2], weird: [NaN, 0], acc: [0.8, 2] });
      await expect(s.getRun('0'.repeat(32))).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND', details: { status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' } });
      expect((await s.getMetricHistory(runId, 'loss')).map((p) => [p.step, p.value])).toEqual([
        [0, 0.9],
        [1, 0.7],
        [2, 0.4],
      ]);
      expect(await s.listArtifacts(runId, 'dir')).toEqual([{ path: 'dir/hello.txt', isDir: false, fileSize: 14 }]);
      expect(unmatched.map((u) => `${u.method} ${u.url}`)).toEqual([]);
    } finally {
      await replay.close();
    }
  });

  it('builds MLflow filter strings from a RunSearch', () => {
    expect(toFilter({ experimentIds: ['1'], tags: { 'workbench.config_hash': "a'b" }, params: { lr: '0.01' }, statuses: ['RUNNING'] })).toEqual({
      filter: 'tags.`workbench.config_hash` = "a\'b" and params.`lr` = \'0.01\' and attributes.status = \'RUNNING\'',
      statuses: undefined,
    });
    expect(toFilter({ experimentIds: ['1'], statuses: ['FINISHED', 'FAILED'] })).toEqual({ filter: undefined, statuses: ['FINISHED', 'FAILED'] });
  });
});

describe('openStore', () => {
  it('opens http(s) URIs as a RestStore with the spool under the working directory', async () => {
    const s = await openStore({ uri: fake.url, env: {}, cwd: dir });
    expect(s).toBeInstanceOf(RestStore);
    expect(s.kind).toBe('rest');
    expect((await s.getOrCreateExperiment('via-open-store')).name).toBe('via-open-store');
    expect((s as unknown as { spoolDir: string }).spoolDir).toBe(join(dir, '.workbench', 'spool'));
    const secure = await openStore({ uri: 'https://mlflow.example.org', env: {}, cwd: dir });
    expect(secure.kind).toBe('rest');
    // A read-only opening of a server that is down fails within a couple of short retries, naming the URI.
    await fake.down();
    const reader = await openStore({ uri: fake.url, env: {}, cwd: dir, readOnly: true });
    const started = Date.now();
    const err = await reader.getExperimentByName('x').then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(`${fake.url}: MLflow GET /api/2.0/mlflow/experiments/get-by-name: no answer: network error ECONNREFUSED (gave up after 3 attempts)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('spool: a server that stays unreachable loses nothing', () => {
  it('mid-run outage (the lost batch was in fact applied): spooled, synced once, replay twice is a no-op', async () => {
    const s = store();
    const exp = await s.getOrCreateExperiment('outage');
    const { info } = await s.createRun({ experimentId: exp.experimentId, runName: 'r' });
    await s.logBatch(info.runId, { metrics: metrics(3) });
    // The next batch reaches the server, its answer is lost, and the server goes away.
    fake.faults.push({ match: (r) => r.pathname.endsWith('/runs/log-batch'), fault: 'drop-after-apply' });
    const s2 = new RestStore(fake.url, {
      env: {},
      spoolDir: join(dir, 'spool'),
      retry: { maxRetries: 2 },
      warn: (m) => void warnings.push(m),
      sleep: async () => void (await fake.down()),
    });
    (s2 as unknown as { artifactUris: Map<string, string> }).artifactUris.set(info.runId, `mlflow-artifacts:/${exp.experimentId}/${info.runId}/artifacts`);
    await s2.logBatch(info.runId, { metrics: metrics(5).slice(3) });
    // From now on the run is offline: these never touch the network.
    await s2.logBatch(info.runId, { metrics: metrics(8).slice(5), params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'v' }] });
    await s2.putArtifact(info.runId, 'out/a.txt', 'A');
    await s2.updateRun(info.runId, { status: 'FINISHED', endTime: 99 });
    expect(warnings.join('\n')).toMatch(/continues in .*\.jsonl \(replay: workbench tracking sync\)/);
    expect(warnings.join('\n')).toMatch(/stays in .*\.jsonl/);
    const spoolDir = join(dir, 'spool');
    const [file] = readdirSync(spoolDir);
    expect(file).toBe(`${info.runId}.jsonl`);
    const backup = join(dir, 'copy.jsonl');
    copyFileSync(join(spoolDir, file!), backup);

    await fake.up();
    const [report] = await syncSpool(spoolDir, { env: {}, sleep: async () => {} });
    expect(report).toMatchObject({ ok: true, serverRunId: info.runId, metricsAlreadyPresent: 2, metricsSent: 3 });
    expect(readdirSync(spoolDir)).toEqual([`${file}.synced`]);
    const steps = fake.history(info.runId, 'loss').map((p) => p.step).sort((a, b) => a - b);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const run = fake.runs.get(info.runId)!;
    expect(run.info.status).toBe('FINISHED');
    expect(run.params.get('p')).toBe('1');
    expect(fake.artifacts.get(`${exp.experimentId}/${info.runId}/artifacts/out/a.txt`)?.toString()).toBe('A');

    // Replaying the same spool again logs nothing twice.
    mkdirSync(join(dir, 'again'));
    copyFileSync(backup, join(dir, 'again', file!));
    const [again] = await syncSpool(join(dir, 'again'), { env: {}, sleep: async () => {} });
    expect(again).toMatchObject({ ok: true, metricsSent: 0, metricsAlreadyPresent: 5 });
    expect(fake.history(info.runId, 'loss')).toHaveLength(8);
  });

  it('server down from the start: experiment and run are created at sync, once, even when synced twice', async () => {
    await fake.down();
    const s = store(0);
    const exp = await s.getOrCreateExperiment('offline-exp');
    expect(exp.experimentId).toBe('offline:offline-exp');
    const { info } = await s.createRun({ experimentId: exp.experimentId, runName: 'offline-run', tags: { k: 'v' } });
    await s.logBatch(info.runId, { metrics: metrics(4), params: [{ key: 'lr', value: '0.1' }] });
    await expect(s.logBatch(info.runId, { params: [{ key: 'lr', value: '0.2' }] })).rejects.toMatchObject({ code: 'TRACKING_INVALID' });
    for (let beat = 0; beat < 5; beat++) await s.logBatch(info.runId, { tags: [{ key: 'workbench.heartbeat', value: String(beat) }] });
    await s.logInputs(info.runId, [{ name: 'ds', digest: 'd1', source: '{}', sourceType: 'local' }]);
    await expect(s.getRun(info.runId)).rejects.toThrow(/is in the local spool/);
    await s.updateRun(info.runId, { status: 'FINISHED', endTime: 7 });
    const spoolDir = join(dir, 'spool');
    const file = join(spoolDir, `${info.runId}.jsonl`);
    const backup = join(dir, 'copy.jsonl');
    copyFileSync(file, backup);

    await fake.up();
    const [r1] = await syncSpool(spoolDir, { env: {} });
    expect(r1).toMatchObject({ ok: true, metricsSent: 4, metricsAlreadyPresent: 0 });
    copyFileSync(backup, file);
    const [r2] = await syncSpool(spoolDir, { env: {} });
    expect(r2).toMatchObject({ ok: true, serverRunId: r1!.serverRunId, metricsSent: 0, metricsAlreadyPresent: 4 });
    const runs = [...fake.runs.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]!.info).toMatchObject({ run_name: 'offline-run', status: 'FINISHED', end_time: 7 });
    expect(runs[0]!.tags.get('k')).toBe('v');
    expect(runs[0]!.params.get('lr')).toBe('0.1');
    // Five spooled heartbeats became one request with the last value.
    expect(runs[0]!.tags.get('workbench.heartbeat')).toBe('4');
    const tagBatches = fake.server.seen.filter((r) => r.pathname.endsWith('/runs/log-batch') && JSON.stringify(r.json).includes('workbench.heartbeat'));
    expect(tagBatches).toHaveLength(2);
    expect(runs[0]!.inputs).toHaveLength(1);
    expect(fake.history(r1!.serverRunId!, 'loss').map((p) => p.value)).toEqual([1, 'NaN', 'Infinity', 0.25]);
  });

  it('sync leaves alone a spool that another live process is still writing', async () => {
    mkdirSync(join(dir, 'spool'));
    const header = { op: 'open', v: 1, trackingUri: fake.url, localRunId: 'c'.repeat(32), createKey: 'k', experimentId: '0', createdAt: 1, pid: process.ppid, host: hostname() };
    writeFileSync(join(dir, 'spool', `${'c'.repeat(32)}.jsonl`), `${JSON.stringify(header)}\n`);
    const [r] = await syncSpool(join(dir, 'spool'), { env: {} });
    expect(r).toMatchObject({ ok: true, skipped: `process ${process.ppid} on ${hostname()} is still writing it` });
    expect(fake.runs.size).toBe(0);
    const [forced] = await syncSpool(join(dir, 'spool'), { env: {}, includeLive: true });
    expect(forced?.ok).toBe(true);
    expect(forced?.skipped).toBeUndefined();
    expect(fake.runs.size).toBe(1);
  });

  it('a spool line cut by a crash is skipped (it was never acknowledged); the rest replays', async () => {
    const spool = SpoolFile.create(join(dir, 'spool'), { trackingUri: fake.url, localRunId: 'x'.repeat(32), createKey: 'ck', experimentId: '0', create: { run_name: 'cut' } });
    spool.append({ op: 'batch', metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] });
    writeFileSync(spool.path, readFileSync(spool.path, 'utf8') + '{"op":"batch","metrics":[{"key":"m","val', { flag: 'w' });
    expect(SpoolFile.read(spool.path)).toMatchObject({ truncatedTail: true, ops: [{ op: 'batch' }] });
    const [r] = await syncSpool(join(dir, 'spool'), { env: {} });
    expect(r).toMatchObject({ ok: true, metricsSent: 1 });
  });
});
