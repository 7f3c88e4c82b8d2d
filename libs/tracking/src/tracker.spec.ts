import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { HEARTBEAT_TAGS, markDeadRuns } from './heartbeat.ts';
import { FileStore } from './file-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { Tracker } from './tracker.ts';

afterAll(removeTempDirs);

function store(): SqliteStore {
  const dir = tempDir();
  return SqliteStore.open({ uri: 'sqlite:///mlflow.db', path: join(dir, 'mlflow.db'), artifactRoot: join(dir, 'mlruns') });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Tracker and its RunLoggers', () => {
  it('keeps the order of calls that are not awaited; a rejected call does not stop the others', async () => {
    const s = store();
    const run = await new Tracker(s, { heartbeatMs: 0 }).startRun({ experiment: 'order' });
    const calls: Promise<void>[] = [];
    for (let step = 0; step < 30; step++) calls.push(run.logMetric('loss', step / 10, step, 1000 + step));
    const bad = run.logMetric('bad key!', 1);
    calls.push(run.logMetric('loss', 9, 30, 2000));
    await expect(bad).rejects.toMatchObject({ code: 'TRACKING_INVALID', message: expect.stringContaining("'bad key!'") });
    await Promise.all(calls);
    await run.flush();
    expect((await s.getMetricHistory(run.runId, 'loss')).map((p) => p.step)).toEqual([...Array(31).keys()]);
    await run.end('FINISHED');
    await run.end('FAILED'); // a second end is a no-op
    expect((await s.getRun(run.runId)).info.status).toBe('FINISHED');
    await s.close();
  });

  it('child runs carry mlflow.parentRunId, live in the parent experiment and get the user tag', async () => {
    const s = store();
    const tracker = new Tracker(s, { heartbeatMs: 0, userId: 'ana' });
    const parent = await tracker.startRun({ experiment: 'sweep', runName: 'sweep-1' });
    const child = await parent.startChild('cell-0', { 'workbench.cell': '0' });
    expect(child.experimentId).toBe(parent.experimentId);
    const run = await s.getRun(child.runId);
    expect(run.data.tags).toMatchObject({ 'mlflow.parentRunId': parent.runId, 'mlflow.runName': 'cell-0', 'mlflow.user': 'ana', 'workbench.cell': '0' });
    expect(run.info.userId).toBe('ana');
    await s.close();
  });

  it('refreshes the heartbeat tag while running and stops when the run ends', async () => {
    const s = store();
    const run = await new Tracker(s, { heartbeatMs: 40 }).startRun({ experiment: 'hb' });
    const first = Number((await s.getRun(run.runId)).data.tags[HEARTBEAT_TAGS.heartbeat]);
    await sleep(200);
    const later = Number((await s.getRun(run.runId)).data.tags[HEARTBEAT_TAGS.heartbeat]);
    expect(later).toBeGreaterThan(first);
    await run.end('FINISHED');
    const atEnd = (await s.getRun(run.runId)).data.tags[HEARTBEAT_TAGS.heartbeat];
    await sleep(150);
    expect((await s.getRun(run.runId)).data.tags[HEARTBEAT_TAGS.heartbeat]).toBe(atEnd);
    await s.close();
  });

  it('markDeadRuns: a stale heartbeat means dead; fresh heartbeats, ended runs and runs without heartbeat are left alone', async () => {
    const s = store();
    const tracker = new Tracker(s, { heartbeatMs: 1000 });
    const stale = await tracker.startRun({ experiment: 'dead', runName: 'stale' });
    const fresh = await tracker.startRun({ experiment: 'dead', runName: 'fresh' });
    const done = await tracker.startRun({ experiment: 'dead', runName: 'done' });
    await done.end('FINISHED');
    const foreign = await s.createRun({ experimentId: stale.experimentId, runName: 'not-ours' });
    const beat = Number((await s.getRun(stale.runId)).data.tags[HEARTBEAT_TAGS.heartbeat]);
    // Pretend the stale run's last beat was long ago.
    await s.logBatch(stale.runId, { tags: [{ key: HEARTBEAT_TAGS.heartbeat, value: String(beat - 60_000) }] });
    const dead = await markDeadRuns(s, { now: beat + 100 });
    expect(dead.map((d) => d.runId)).toEqual([stale.runId]);
    expect(dead[0].reason).toMatch(/no heartbeat for 60 s/);
    const after = await s.getRun(stale.runId);
    expect(after.info).toMatchObject({ status: 'FAILED', endTime: beat - 60_000 });
    expect((await s.getRun(fresh.runId)).info.status).toBe('RUNNING');
    expect((await s.getRun(foreign.info.runId)).info.status).toBe('RUNNING');
    expect((await s.getRun(done.runId)).info.status).toBe('FINISHED');
    await fresh.end('FINISHED');
    await stale.end('FINISHED').catch(() => undefined);
    await s.close();
  });

  it.each(['sqlite', 'file'])('resumeRun (%s): a FAILED sweep parent runs again, without end time, and takes more children', async (kind) => {
    const dir = tempDir();
    const s = kind === 'sqlite' ? store() : FileStore.open({ uri: 'file:./mlruns', path: join(dir, 'mlruns') });
    const tracker = new Tracker(s, { heartbeatMs: 1000 });
    const parent = await tracker.startRun({ experiment: 'resume', runName: 'sweep' });
    const first = await parent.startChild('cell-0');
    await first.end('FAILED');
    await s.updateRun(parent.runId, { status: 'FAILED', endTime: 123 });
    const resumed = await tracker.resumeRun(parent.runId);
    expect((await s.getRun(parent.runId)).info).toMatchObject({ status: 'RUNNING', endTime: null });
    const cell = await resumed.startChild('cell-1');
    await cell.end('FINISHED');
    await resumed.end('FINISHED');
    const children = await s.searchRuns({ experimentIds: [parent.experimentId], tags: { 'mlflow.parentRunId': parent.runId } });
    expect(children.runs.map((r) => r.info.runName).sort()).toEqual(['cell-0', 'cell-1']);
    expect((await s.getRun(parent.runId)).info.status).toBe('FINISHED');
    await s.close();
  });
});
