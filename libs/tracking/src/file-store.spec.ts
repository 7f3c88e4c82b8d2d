import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isWorkbenchError } from '@workbench/core';
import { listTree, materializeGolden, removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { FileStore } from './file-store.ts';
import { Tracker } from './tracker.ts';

afterAll(removeTempDirs);

const GOLDEN_EXP = '363405627743899998';
const GOLDEN_PARENT = '1b7af006f9554756975831a1a60fdd5a';
const GOLDEN_CHILD = 'e7977ffcf6ea4bf3a25fb724a9b10680';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function openAt(root: string): FileStore {
  return FileStore.open({ uri: `file:${root}`, path: root });
}

/** Replaces ids, roots and wall-clock times by symbols, so two trees written at different times compare equal. */
function normalizer(ids: Record<string, string>, rootUri: string): (text: string) => string {
  return (text) => {
    let t = text.split(rootUri).join('ROOT');
    for (const [id, name] of Object.entries(ids)) t = t.split(id).join(name);
    return t.replace(/^(creation_time|last_update_time|start_time|end_time|deleted_time): \d+$/gm, '$1: T');
  };
}

function compareTrees(golden: string, ours: string, goldenNorm: (s: string) => string, oursNorm: (s: string) => string): void {
  const g = listTree(golden).map(goldenNorm).sort();
  const o = listTree(ours).map(oursNorm).sort();
  expect(o).toEqual(g);
  const goldenFiles = listTree(golden).filter((p) => !p.endsWith('/'));
  for (const rel of goldenFiles) {
    const mine = listTree(ours).find((p) => oursNorm(p) === goldenNorm(rel))!;
    const expected = goldenNorm(readFileSync(join(golden, rel), 'utf8'));
    const actual = oursNorm(readFileSync(join(ours, mine), 'utf8'));
    // Compare with the path in the message so a mismatch names the file.
    expect({ file: rel, text: actual }).toEqual({ file: rel, text: expected });
  }
}

describe('FileStore writes the golden tree of MLflow 2.17.2 byte for byte', () => {
  it('experiment, parent and child runs, params, metrics (1.0, 1e-05, nan), tags, artifacts, dataset input', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = openAt(root);
    const tracker = new Tracker(store, { heartbeatMs: 0, userId: 'root' });
    const exp = await tracker.experiment('golden', { project: 'ts-check' });
    const source = { 'mlflow.source.name': 'scripts/make_golden.py', 'mlflow.source.type': 'LOCAL' };
    const parent = await tracker.startRun({ experimentId: exp.experimentId, runName: 'parent', tags: { ...source } });
    await parent.logParams({ lr: 0.01, batch_size: 32, optimizer: 'adam' });
    await parent.setTags({ owner: 'ts-tool', stage: 'dev', unicode: 'héllo', 'mlflow.note.content': 'parent run' });
    await parent.logMetric('loss', 1.0, 0, 1700000000000);
    await parent.logMetric('loss', 0.5, 1, 1700000001000);
    await parent.logMetric('loss', 0.25, 2, 1700000002000);
    await parent.logMetric('accuracy', 0.9, 2, 1700000002000);
    await parent.logMetric('tiny', 1e-5, 0, 1700000000000);
    await parent.logMetric('int_metric', 3, 0, 1700000000000);
    await parent.logArtifactBytes('readme.txt', 'golden artifact\nline 2\n');
    await parent.logArtifactBytes('docs/readme.txt', 'golden artifact\nline 2\n');
    await parent.logArtifactBytes('config/params.json', '{\n  "a": 1\n}');
    const child = await tracker.startRun({ experimentId: exp.experimentId, runName: 'child', parentRunId: parent.runId, tags: { ...source } });
    await child.logParams({ fold: 1 });
    await child.setTags({ kind: 'child' });
    await child.logMetric('loss', 0.75, 0, 1700000000100);
    await child.logMetric('loss', 0.6, 1, 1700000000200);
    await child.logMetric('nan_metric', NaN, 0, 1700000000000);
    await child.logInputs([
      {
        name: 'toy',
        digest: '92a7ac9c',
        source: '{"uri": "/data/toy.npy"}',
        sourceType: 'local',
        schema: '{"mlflow_tensorspec": {"features": "[{\\"type\\": \\"tensor\\", \\"tensor-spec\\": {\\"dtype\\": \\"int64\\", \\"shape\\": [-1, 2]}}]", "targets": null}}',
        profile: '{"features_shape": [3, 2], "features_size": 6, "features_nbytes": 48}',
        context: 'training',
      },
    ]);
    await child.end('FINISHED');
    await parent.end('FINISHED');

    const golden = materializeGolden('golden-mlruns');
    const datasetId = md5('toy92a7ac9c');
    expect(datasetId).toBe('0969445d57b31b51fee32d79a4004e7a');
    const goldenNorm = normalizer(
      { [GOLDEN_EXP]: 'EXP', [GOLDEN_PARENT]: 'PARENT', [GOLDEN_CHILD]: 'CHILD', [md5(datasetId + GOLDEN_CHILD)]: 'INPUT' },
      'file:///STORE_ROOT/golden-mlruns',
    );
    const oursNorm = normalizer(
      { [exp.experimentId]: 'EXP', [parent.runId]: 'PARENT', [child.runId]: 'CHILD', [md5(datasetId + child.runId)]: 'INPUT' },
      pathToFileURL(root).href,
    );
    compareTrees(golden, root, goldenNorm, oursNorm);
    expect(exp.experimentId).toMatch(/^\d{18}$/);
    expect(parent.runId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lifecycle: a FAILED run, a deleted run, a deleted experiment moved to .trash', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = openAt(root);
    const keep = await store.getOrCreateExperiment('keep');
    const failed = await store.createRun({ experimentId: keep.experimentId, runName: 'failed-run', startTime: 1700000000000, userId: 'unknown' });
    await store.logBatch(failed.info.runId, { metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1700000000000 }] });
    await store.updateRun(failed.info.runId, { status: 'FAILED', endTime: 1700000005000 });
    const deleted = await store.createRun({ experimentId: keep.experimentId, runName: 'deleted-run', startTime: 1700000010000, userId: 'unknown' });
    await store.deleteRun(deleted.info.runId);
    const gone = await store.getOrCreateExperiment('gone');
    const inGone = await store.createRun({ experimentId: gone.experimentId, runName: 'run-in-deleted-exp', startTime: 1700000020000, userId: 'unknown' });
    await store.deleteExperiment(gone.experimentId);

    const golden = materializeGolden('golden-mlruns-lifecycle');
    const goldenNorm = normalizer(
      {
        '282233754287832024': 'KEEP',
        df65857616fc4b7f86e5c08dd6c0d8b4: 'FAILED',
        f8b9e2a32ec24d39945303217a93aaca: 'DELETED',
        '163195999126733711': 'GONE',
        '674c96ecf39049dbbfd415f37d0065d6': 'INGONE',
      },
      'file:///STORE_ROOT/golden-mlruns-lifecycle',
    );
    const oursNorm = normalizer(
      { [keep.experimentId]: 'KEEP', [failed.info.runId]: 'FAILED', [deleted.info.runId]: 'DELETED', [gone.experimentId]: 'GONE', [inGone.info.runId]: 'INGONE' },
      pathToFileURL(root).href,
    );
    compareTrees(golden, root, goldenNorm, oursNorm);

    // Deleted things stay readable, and restore brings them back.
    expect((await store.getRun(deleted.info.runId)).info.lifecycleStage).toBe('deleted');
    expect((await store.searchRuns({ experimentIds: [keep.experimentId] })).runs.map((r) => r.info.runName)).toEqual(['failed-run']);
    expect((await store.searchRuns({ experimentIds: [keep.experimentId], viewType: 'ALL' })).runs.map((r) => r.info.runName)).toEqual(['deleted-run', 'failed-run']);
    await store.restoreRun(deleted.info.runId);
    expect(readFileSync(join(root, keep.experimentId, deleted.info.runId, 'meta.yaml'), 'utf8')).not.toContain('deleted_time');
    await store.restoreExperiment(gone.experimentId);
    expect(existsSync(join(root, gone.experimentId, 'meta.yaml'))).toBe(true);
    expect((await store.getRun(inGone.info.runId)).info.lifecycleStage).toBe('active');
    expect((await store.listExperiments()).map((e) => e.name).sort()).toEqual(['Default', 'gone', 'keep']);
  });
});

describe('FileStore rules', () => {
  it('params are immutable, same value again is a no-op, and a bad batch writes nothing', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = openAt(root);
    const run = await store.createRun({ experimentId: '0', runName: 'r' });
    const id = run.info.runId;
    await store.logBatch(id, { params: [{ key: 'lr', value: '0.01' }] });
    await store.logBatch(id, { params: [{ key: 'lr', value: '0.01' }] });
    const err = await store.logBatch(id, { params: [{ key: 'lr', value: '0.02' }, { key: 'other', value: 'x' }], metrics: [{ key: 'm', value: 1, step: 0, timestamp: 1 }] }).catch((e) => e);
    expect(isWorkbenchError(err) && err.code).toBe('TRACKING_INVALID');
    expect(err.message).toContain("param 'lr'");
    expect(err.message).toContain("'0.01'");
    const after = await store.getRun(id);
    expect(after.data.params).toEqual({ lr: '0.01' });
    expect(after.data.metrics).toEqual([]);
    const badKey = await store.logBatch(id, { metrics: [{ key: 'ok', value: 1, step: 0, timestamp: 1 }, { key: '../escape', value: 1, step: 0, timestamp: 1 }] }).catch((e) => e);
    expect(badKey.message).toContain("'../escape'");
    expect(readdirSync(join(root, '0', id, 'metrics'))).toEqual([]);
  });

  it('keys with / become sub-folders; non-finite values are written as Python prints them and read back', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = openAt(root);
    const run = await store.createRun({ experimentId: '0', runName: 'r' });
    const id = run.info.runId;
    await store.logBatch(id, {
      metrics: [
        { key: 'val/loss', value: Infinity, step: 0, timestamp: 5 },
        { key: 'val/loss', value: -Infinity, step: 1, timestamp: 6 },
        { key: 'val/loss', value: 1e16, step: 2, timestamp: 7 },
      ],
      tags: [{ key: 'a/b', value: 'c' }],
    });
    expect(readFileSync(join(root, '0', id, 'metrics', 'val', 'loss'), 'utf8')).toBe('5 inf 0\n6 -inf 1\n7 1e+16 2\n');
    expect(readFileSync(join(root, '0', id, 'tags', 'a', 'b'), 'utf8')).toBe('c');
    expect((await store.getMetricHistory(id, 'val/loss')).map((p) => p.value)).toEqual([Infinity, -Infinity, 1e16]);
    expect((await store.getRun(id)).data.tags['a/b']).toBe('c');
  });

  it('searches by tag, param and status (keys with / too) and pages with MLflow tokens', async () => {
    const store = openAt(join(tempDir(), 'mlruns'));
    for (let i = 0; i < 4; i++) {
      const r = await store.createRun({ experimentId: '0', runName: `r${i}`, startTime: 100 + i, tags: { 'workbench.config_hash': i % 2 ? 'odd' : 'even' } });
      await store.logBatch(r.info.runId, { params: [{ key: 'train/lr', value: String(i) }] });
      if (i === 3) await store.updateRun(r.info.runId, { status: 'FINISHED', endTime: 200 });
    }
    const names = async (search: Partial<Parameters<FileStore['searchRuns']>[0]>) => (await store.searchRuns({ experimentIds: ['0'], ...search })).runs.map((r) => r.info.runName);
    expect(await names({ tags: { 'workbench.config_hash': 'odd' } })).toEqual(['r3', 'r1']);
    expect(await names({ params: { 'train/lr': '2' } })).toEqual(['r2']);
    expect(await names({ statuses: ['FINISHED'] })).toEqual(['r3']);
    expect(await names({ tags: { 'no.such': 'x' } })).toEqual([]);
    const p1 = await store.searchRuns({ experimentIds: ['0'], maxResults: 3 });
    const p2 = await store.searchRuns({ experimentIds: ['0'], maxResults: 3, pageToken: p1.nextPageToken });
    expect([...p1.runs, ...p2.runs].map((r) => r.info.runName)).toEqual(['r3', 'r2', 'r1', 'r0']);
    expect(p2.nextPageToken).toBeUndefined();
  });

  it('an unknown run or experiment is TRACKING_NOT_FOUND', async () => {
    const store = openAt(join(tempDir(), 'mlruns'));
    await expect(store.getRun('0123456789abcdef0123456789abcdef')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND' });
    await expect(store.getExperiment('42')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND' });
  });
});

describe('FileStore experiment creation lock', () => {
  it('a lock left by a killed process is taken over once stale', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = openAt(root);
    const lock = join(root, '.workbench-lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const exp = await store.getOrCreateExperiment('after-crash');
    expect(exp.name).toBe('after-crash');
    expect(existsSync(lock)).toBe(false);
  });
});
