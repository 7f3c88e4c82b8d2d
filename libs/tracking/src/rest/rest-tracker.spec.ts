import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeMlflow, type FakeMlflow } from '../../test/rest/fake-mlflow-server.ts';
import { Tracker } from '../tracker.ts';
import { RestStore } from './rest-store.ts';
import { syncSpool } from './spool-sync.ts';

let fake: FakeMlflow;
let dir: string;
beforeEach(async () => {
  fake = await startFakeMlflow();
  dir = mkdtempSync(join(tmpdir(), 'wb-rest-tracker-'));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Tracker over the REST store', () => {
  it('every acknowledged metric point reaches the server exactly once across an outage', async () => {
    const warnings: string[] = [];
    const store = new RestStore(fake.url, { env: {}, spoolDir: join(dir, 'spool'), retry: { maxRetries: 1 }, sleep: async () => {}, warn: (m) => void warnings.push(m) });
    const tracker = new Tracker(store, { heartbeatMs: 0, userId: 'ann' });
    const run = await tracker.startRun({ experiment: 'e2e', runName: 'parent' });
    await run.logParams({ lr: 0.01, epochs: 6 });
    const child = await run.startChild('cell-1', { cell: '1' });
    const acknowledged: number[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      if (epoch === 3) await fake.down();
      await run.logMetrics({ loss: 1 / (epoch + 1), map: epoch === 4 ? NaN : epoch / 10 }, epoch, 1000 + epoch);
      acknowledged.push(epoch);
    }
    await run.logArtifactBytes('config.json', '{"lr":0.01}');
    // Over 64 KiB: spooled beside the JSONL, not inlined.
    await run.logArtifactBytes('big.bin', new Uint8Array(100_000).fill(7));
    await run.end('FINISHED');
    expect(warnings.join('\n')).toMatch(/continues in/);
    expect(readdirSync(join(dir, 'spool')).sort()).toEqual([`${run.runId}.artifacts`, `${run.runId}.jsonl`]);
    expect(readFileSync(join(dir, 'spool', `${run.runId}.jsonl`), 'utf8').length).toBeLessThan(10_000);

    await fake.up();
    await child.logMetric('acc', 0.9, 0, 5);
    await child.end('FINISHED');
    const [report] = await syncSpool(join(dir, 'spool'), { env: {}, sleep: async () => {} });
    expect(report).toMatchObject({ ok: true, serverRunId: run.runId, metricsSent: 6, metricsAlreadyPresent: 0 });

    const hist = (await store.getMetricHistory(run.runId, 'loss')).map((p) => p.step);
    expect(hist).toEqual(acknowledged);
    const map = await store.getMetricHistory(run.runId, 'map');
    expect(map.map((p) => p.value)).toEqual([0, 0.1, 0.2, 0.3, NaN, 0.5]);
    const back = await store.getRun(run.runId);
    expect(back.info.status).toBe('FINISHED');
    expect(back.data.params).toEqual({ lr: '0.01', epochs: '6' });
    expect(back.data.tags['mlflow.user']).toBe('ann');
    expect(new TextDecoder().decode(await store.getArtifact(run.runId, 'config.json'))).toBe('{"lr":0.01}');
    expect(Buffer.from(await store.getArtifact(run.runId, 'big.bin')).equals(Buffer.alloc(100_000, 7))).toBe(true);
    const kids = await store.searchRuns({ experimentIds: [back.info.experimentId], tags: { 'mlflow.parentRunId': run.runId } });
    expect(kids.runs.map((r) => [r.info.runName, r.info.status, r.data.tags['cell']])).toEqual([['cell-1', 'FINISHED', '1']]);
  });
});

describe('back online without a manual sync', () => {
  const quiet = (warnings: string[]) => ({ env: {}, spoolDir: join(dir, 'spool'), retry: { maxRetries: 0 }, reconnectMs: 0, sleep: async () => {}, warn: (m: string) => void warnings.push(m) });

  it('a run that went offline mid-training replays its spool at the first call after the server is back', async () => {
    const warnings: string[] = [];
    const tracker = new Tracker(new RestStore(fake.url, quiet(warnings)), { heartbeatMs: 0 });
    const run = await tracker.startRun({ experiment: 'blip' });
    await run.logMetric('loss', 1, 0, 100);
    await fake.down();
    await run.logMetric('loss', 0.9, 1, 101);
    await run.logMetric('loss', 0.8, 2, 102);
    await fake.up();
    await run.logMetric('loss', 0.7, 3, 103);
    await run.logMetric('loss', 0.6, 4, 104);
    await run.end('FINISHED');
    expect(fake.history(run.runId, 'loss').map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    expect(fake.runs.get(run.runId)!.info.status).toBe('FINISHED');
    expect(readdirSync(join(dir, 'spool'))).toEqual([`${run.runId}.jsonl.synced`]);
    expect(warnings.join('\n')).toMatch(/answers again[\s\S]*continues online/);
    // Only the epoch logged while back online went straight to the server: one log-batch for it.
    expect(fake.server.seen.filter((r) => r.pathname.endsWith('/runs/log-batch') && JSON.stringify(r.json).includes('"step":4'))).toHaveLength(1);
  });

  it('a sweep started offline: the parent is replayed before a child that starts online, children point at its server id', async () => {
    const warnings: string[] = [];
    await fake.down();
    const tracker = new Tracker(new RestStore(fake.url, quiet(warnings)), { heartbeatMs: 0 });
    const parent = await tracker.startRun({ experiment: 'sweep', runName: 'sweep' });
    const early = await parent.startChild('cell-1');
    await early.logMetric('map', 0.5, 0, 1);
    await fake.up();
    const late = await parent.startChild('cell-2');
    await late.logMetric('map', 0.6, 0, 2);
    await early.end('FINISHED');
    await late.end('FINISHED');
    await parent.end('FINISHED');
    const runs = [...fake.runs.values()];
    expect(runs.map((r) => r.info.run_name).sort()).toEqual(['cell-1', 'cell-2', 'sweep']);
    const parentId = runs.find((r) => r.info.run_name === 'sweep')!.info.run_id;
    expect(runs.filter((r) => r.info.run_name !== 'sweep').map((r) => r.tags.get('mlflow.parentRunId'))).toEqual([parentId, parentId]);
    expect(runs.every((r) => r.info.status === 'FINISHED')).toBe(true);
    expect([...fake.experiments.values()].filter((e) => e.name === 'sweep')).toHaveLength(1);
    expect(readdirSync(join(dir, 'spool')).every((f) => f.includes('.jsonl.synced'))).toBe(true);
  });

  it('workbench tracking sync maps a child to a parent replayed by an earlier sync', async () => {
    await fake.down();
    const store = new RestStore(fake.url, { ...quiet([]), reconnectMs: 3_600_000 });
    const tracker = new Tracker(store, { heartbeatMs: 0 });
    const parent = await tracker.startRun({ experiment: 'later', runName: 'p' });
    const child = await parent.startChild('c');
    await child.end('FINISHED');
    await parent.end('FINISHED');
    await fake.up();
    const spoolDir = join(dir, 'spool');
    const held = join(dir, 'held');
    mkdirSync(held);
    renameSync(join(spoolDir, `${child.runId}.jsonl`), join(held, `${child.runId}.jsonl`));
    const [p] = await syncSpool(spoolDir, { env: {} });
    renameSync(join(held, `${child.runId}.jsonl`), join(spoolDir, `${child.runId}.jsonl`));
    const [c] = await syncSpool(spoolDir, { env: {} });
    expect(fake.runs.get(c!.serverRunId!)!.tags.get('mlflow.parentRunId')).toBe(p!.serverRunId);
  });
});
