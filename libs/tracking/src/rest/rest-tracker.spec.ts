import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
    await run.end('FINISHED');
    expect(warnings.join('\n')).toMatch(/continues in/);
    expect(readdirSync(join(dir, 'spool'))).toEqual([`${run.runId}.jsonl`]);

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
    const kids = await store.searchRuns({ experimentIds: [back.info.experimentId], tags: { 'mlflow.parentRunId': run.runId } });
    expect(kids.runs.map((r) => [r.info.runName, r.info.status, r.data.tags['cell']])).toEqual([['cell-1', 'FINISHED', '1']]);
  });
});
