import Database from 'better-sqlite3';
import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { spawnWorker } from '../test/local/spawn-worker.ts';
import { HEARTBEAT_TAGS, markDeadRuns } from './heartbeat.ts';
import { openStore } from './open-store.ts';

afterAll(removeTempDirs);

describe('a run whose process dies', () => {
  it.each(['sqlite:///mlflow.db', 'file:./mlruns'])(
    'SIGKILL mid-run (%s): the store stays readable, every acknowledged point is there, markDeadRuns marks it FAILED',
    async (uri) => {
      const dir = tempDir();
      const worker = spawnWorker([uri, 'crash', 'victim', '40', 'hang'], dir);
      await worker.waitForAcks(40);
      worker.child.kill('SIGKILL');
      const exit = await worker.exit;
      expect(exit.signal).toBe('SIGKILL');
      const acked = [...worker.acked];
      const runId = await worker.runId;

      if (uri.startsWith('sqlite')) {
        const db = new Database(join(dir, 'mlflow.db'));
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
      }
      const store = await openStore({ uri, cwd: dir, env: {} });
      const before = await store.getRun(runId);
      expect(before.info.status).toBe('RUNNING');
      const steps = new Set((await store.getMetricHistory(runId, 'loss')).map((p) => p.step));
      for (const step of acked) expect(steps.has(step)).toBe(true);
      expect(before.data.params).toEqual({ worker: 'victim' });

      const dead = await markDeadRuns(store);
      expect(dead.map((d) => d.runId)).toEqual([runId]);
      const after = await store.getRun(runId);
      expect(after.info.status).toBe('FAILED');
      expect(after.info.endTime).toBe(Number(before.data.tags[HEARTBEAT_TAGS.heartbeat]));
      expect(after.data.tags[HEARTBEAT_TAGS.failure]).toMatch(/process \d+ on .* is gone/);
      // Idempotent: a second sweep over the store finds nothing more to mark.
      expect(await markDeadRuns(store)).toEqual([]);
      await store.close();
    },
  );

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: the run is flushed, ends KILLED, and the process exits %i', async (signal, code) => {
    const dir = tempDir();
    const uri = 'sqlite:///mlflow.db';
    const worker = spawnWorker([uri, 'crash', 'interrupted', '25', 'hang', 'signals'], dir);
    await worker.waitForAcks(25);
    worker.child.kill(signal);
    const exit = await worker.exit;
    expect(exit.code).toBe(code);
    expect(exit.stderr).toContain(`${signal}: flushing and marking 1 run(s) KILLED`);
    const store = await openStore({ uri, cwd: dir, env: {}, readOnly: true });
    const run = await store.getRun(await worker.runId);
    expect(run.info.status).toBe('KILLED');
    expect(run.info.endTime).toEqual(expect.any(Number));
    const steps = (await store.getMetricHistory(run.info.runId, 'loss')).map((p) => p.step);
    for (const step of worker.acked) expect(steps).toContain(step);
    await store.close();
  });
});
