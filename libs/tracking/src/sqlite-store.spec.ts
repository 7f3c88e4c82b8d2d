import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REFERENCE_DB, REFERENCE_SCHEMA, removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { spawnWorker } from '../test/local/spawn-worker.ts';
import { openStore } from './open-store.ts';
import { SQL_INFINITY } from './sql-metric-value.ts';
import { SqliteStore } from './sqlite-store.ts';

afterAll(removeTempDirs);

function newStore(dir = tempDir()): SqliteStore {
  return SqliteStore.open({ uri: 'sqlite:///mlflow.db', path: join(dir, 'mlflow.db'), artifactRoot: join(dir, 'mlruns') });
}

/** The schema as a set of statements: sqlite_master's text (what `.schema` prints, minus its IF NOT EXISTS). */
function schemaStatements(db: Database.Database): string[] {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").all() as { sql: string }[]).map((r) => r.sql.trim()).sort();
}

const reference = () => new Database(REFERENCE_DB, { readonly: true, fileMustExist: true });

describe('SqliteStore: MLflow 2.17.2 schema (alembic f5a4f2784254)', () => {
  it('creates exactly the reference schema, as a set of statements', async () => {
    const store = newStore();
    const ours = schemaStatements(store.database);
    const ref = reference();
    expect(ours).toEqual(schemaStatements(ref));
    // And the same set as schema.sql (the sqlite shell adds IF NOT EXISTS to quoted table names).
    const fromFile = readFileSync(REFERENCE_SCHEMA, 'utf8')
      .split(/;\n/)
      .map((s) => s.trim().replace(/;$/, '').replace('CREATE TABLE IF NOT EXISTS ', 'CREATE TABLE '))
      .filter((s) => s !== '')
      .sort();
    expect(ours).toEqual(fromFile);
    expect(ours.filter((s) => s.startsWith('CREATE TABLE'))).toHaveLength(19);
    expect(ours.filter((s) => s.startsWith('CREATE INDEX'))).toHaveLength(11);
    expect(store.database.prepare('SELECT version_num FROM alembic_version').all()).toEqual(ref.prepare('SELECT version_num FROM alembic_version').all());
    ref.close();
    await store.close();
  });

  it('creates experiment 0 Default like MLflow, uses WAL and a busy timeout, and reopens without change', async () => {
    const dir = tempDir();
    const store = newStore(dir);
    const row = store.database.prepare('SELECT * FROM experiments').get() as Record<string, unknown>;
    const refRow = reference().prepare('SELECT * FROM experiments WHERE experiment_id = 0').get() as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(Object.keys(refRow));
    expect(row).toMatchObject({ experiment_id: 0, name: 'Default', lifecycle_stage: 'active', artifact_location: `${join(dir, 'mlruns')}/0` });
    expect(row['creation_time']).toBe(row['last_update_time']);
    expect(String(row['creation_time'])).toMatch(/^\d{13}$/);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(30000);
    await store.close();
    const again = newStore(dir);
    expect((await again.listExperiments()).map((e) => e.name)).toEqual(['Default']);
    await again.close();
  });
});

describe('SqliteStore rows follow the reference conventions', () => {
  it('runs, tags, params, metrics with is_nan and clamped infinities, latest_metrics, datasets and inputs', async () => {
    const store = newStore();
    const db = store.database;
    const ref = reference();
    const exp = await store.getOrCreateExperiment('conventions', { team: 'ts' });
    expect(exp.experimentId).toBe('1');
    const run = await store.createRun({ experimentId: exp.experimentId, runName: 'edge-run', userId: 'alice', startTime: 1795344417647, tags: { src: 'spec' } });
    const id = run.info.runId;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    await store.logBatch(id, {
      metrics: [
        { key: 'm', value: 1.5, timestamp: 1795344417647, step: 0 },
        { key: 'm', value: 2, timestamp: 1795344417647, step: -3 },
        { key: 'inf', value: Infinity, timestamp: 1795344417647, step: 1 },
        { key: 'ninf', value: -Infinity, timestamp: 1795344417647, step: 0 },
        { key: 'weird', value: NaN, timestamp: 1795344417647, step: 0 },
      ],
      params: [{ key: 'empty', value: '' }],
    });
    // A point logged again (a retried batch) is stored once, as in the reference run 'dup'.
    await store.logBatch(id, { metrics: [{ key: 'm', value: 1.5, timestamp: 1795344417647, step: 0 }] });
    await store.logInputs(id, [{ name: 'ds', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/x.csv"}', context: 'training' }]);
    await store.updateRun(id, { status: 'KILLED' });

    // runs: same columns, same values where MLflow fixes them (source_type, empty strings, status names).
    const ours = db.prepare('SELECT * FROM runs WHERE run_uuid = ?').get(id) as Record<string, unknown>;
    const refRun = ref.prepare("SELECT * FROM runs WHERE run_uuid = 'd5f42056b80d4e0596e0df29dd6662ca'").get() as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(Object.keys(refRun));
    for (const col of ['name', 'source_type', 'source_name', 'entry_point_name', 'user_id', 'status', 'end_time', 'source_version', 'lifecycle_stage', 'deleted_time']) {
      expect({ col, value: ours[col] }).toEqual({ col, value: refRun[col] });
    }
    expect(ours['artifact_uri']).toBe(`${exp.artifactLocation}/${id}/artifacts`);

    // metrics: NaN is value 0 with is_nan 1; +/-Infinity are +/-1.7976931348623157e308 (reference keys 'weird', 'inf').
    const metricRows = (key: string, d: Database.Database, runId: string) =>
      d.prepare('SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step').all(runId, key);
    expect(metricRows('weird', db, id)).toEqual(metricRows('weird', ref, 'c481dbfd81d94c8dab42d9fdc81066be').map((r: any) => ({ ...r, timestamp: 1795344417647 })));
    expect(metricRows('inf', db, id)).toEqual(metricRows('inf', ref, 'd5f42056b80d4e0596e0df29dd6662ca'));
    expect(metricRows('m', db, id)).toEqual(metricRows('m', ref, 'd5f42056b80d4e0596e0df29dd6662ca'));
    expect(metricRows('ninf', db, id)).toEqual([{ key: 'ninf', value: -SQL_INFINITY, timestamp: 1795344417647, step: 0, is_nan: 0 }]);

    // latest_metrics: the (step, timestamp, value)-largest point; 'm' stays at step 0 after step -3, as in the reference.
    const latest = (d: Database.Database, runId: string, key: string) =>
      d.prepare('SELECT key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?').get(runId, key);
    expect(latest(db, id, 'm')).toEqual(latest(ref, 'd5f42056b80d4e0596e0df29dd6662ca', 'm'));
    expect(latest(db, id, 'inf')).toEqual(latest(ref, 'd5f42056b80d4e0596e0df29dd6662ca', 'inf'));
    expect(latest(db, id, 'weird')).toMatchObject({ value: 0, is_nan: 1 });

    // tags and params rows; mlflow.runName mirrors the name.
    expect(db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key').all(id)).toEqual([
      { key: 'mlflow.runName', value: 'edge-run' },
      { key: 'src', value: 'spec' },
    ]);
    expect(db.prepare('SELECT key, value FROM params WHERE run_uuid = ?').all(id)).toEqual(ref.prepare("SELECT key, value FROM params WHERE key = 'empty'").all());
    expect(db.prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = 1').all()).toEqual([{ key: 'team', value: 'ts' }]);

    // datasets / inputs / input_tags: the reference's shapes (32-hex uuids, empty schema/profile, DATASET -> RUN).
    const strip = (r: any) => ({ ...r, dataset_uuid: 'U', experiment_id: 'E' });
    expect(strip(db.prepare('SELECT * FROM datasets').get())).toEqual(strip(ref.prepare('SELECT * FROM datasets').get()));
    const input = db.prepare('SELECT * FROM inputs').get() as Record<string, string>;
    const refInput = ref.prepare('SELECT * FROM inputs').get() as Record<string, string>;
    expect({ ...input, input_uuid: 'I', source_id: 'S', destination_id: 'D' }).toEqual({ ...refInput, input_uuid: 'I', source_id: 'S', destination_id: 'D' });
    expect(input['input_uuid']).toMatch(/^[0-9a-f]{32}$/);
    expect(input['destination_id']).toBe(id);
    expect((db.prepare('SELECT name, value FROM input_tags').all())).toEqual(ref.prepare('SELECT name, value FROM input_tags').all());

    // Read back: NaN is NaN, infinities come back as the clamped number (what MLflow's SQL backend returns).
    const back = await store.getRun(id);
    const byKey = Object.fromEntries(back.data.metrics.map((m) => [m.key, m.value]));
    expect(byKey).toEqual({ m: 1.5, inf: SQL_INFINITY, ninf: -SQL_INFINITY, weird: NaN });
    expect(back.inputs).toEqual([{ dataset: { name: 'ds', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/x.csv"}' }, tags: { 'mlflow.data.context': 'training' } }]);
    expect(back.info.status).toBe('KILLED');
    ref.close();
    await store.close();
  });

  it('a changed param or an invalid key rejects the whole batch and names the key; nothing earlier is lost', async () => {
    const store = newStore();
    const run = await store.createRun({ experimentId: '0', runName: 'r' });
    const id = run.info.runId;
    await store.logBatch(id, { params: [{ key: 'lr', value: '0.01' }], metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }] });
    await expect(store.logBatch(id, { params: [{ key: 'lr', value: '0.02' }], metrics: [{ key: 'loss', value: 2, step: 1, timestamp: 2 }] })).rejects.toMatchObject({
      code: 'TRACKING_INVALID',
      message: expect.stringContaining("param 'lr'"),
    });
    await expect(store.logBatch(id, { metrics: [{ key: 'a'.repeat(251), value: 1, step: 0, timestamp: 1 }] })).rejects.toThrow(/at most 250/);
    await expect(store.logBatch(id, { metrics: [{ key: 'x', value: 1, step: 0.5, timestamp: 1 }] })).rejects.toThrow(/metric 'x' has step 0.5/);
    await expect(store.logBatch(id, { params: [{ key: 'big', value: 'x'.repeat(6001) }] })).rejects.toThrow(/param 'big' has a value of 6001 chars/);
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 1 });
    expect((await store.getRun(id)).data.params).toEqual({ lr: '0.01' });
    await store.close();
  });

  it('pages runs/search with MLflow page tokens and filters by tag, param and status', async () => {
    const store = newStore();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await store.createRun({ experimentId: '0', runName: `r${i}`, startTime: 1000 + i, tags: { 'workbench.config_hash': i % 2 ? 'odd' : 'even' } });
      await store.logBatch(r.info.runId, { params: [{ key: 'i', value: String(i) }] });
      ids.push(r.info.runId);
    }
    await store.updateRun(ids[4], { status: 'FINISHED', endTime: 2000 });
    const p1 = await store.searchRuns({ experimentIds: ['0'], maxResults: 2 });
    expect(p1.runs.map((r) => r.info.runName)).toEqual(['r4', 'r3']);
    expect(Buffer.from(p1.nextPageToken!, 'base64').toString()).toBe('{"offset": 2}');
    const p2 = await store.searchRuns({ experimentIds: ['0'], maxResults: 2, pageToken: p1.nextPageToken });
    const p3 = await store.searchRuns({ experimentIds: ['0'], maxResults: 2, pageToken: p2.nextPageToken });
    expect([...p2.runs, ...p3.runs].map((r) => r.info.runName)).toEqual(['r2', 'r1', 'r0']);
    expect(p3.nextPageToken).toBeUndefined();
    expect((await store.searchRuns({ experimentIds: ['0'], tags: { 'workbench.config_hash': 'odd' } })).runs.map((r) => r.info.runName)).toEqual(['r3', 'r1']);
    expect((await store.searchRuns({ experimentIds: ['0'], params: { i: '2' } })).runs.map((r) => r.info.runName)).toEqual(['r2']);
    expect((await store.searchRuns({ experimentIds: ['0'], statuses: ['FINISHED'] })).runs.map((r) => r.info.runName)).toEqual(['r4']);
    await store.deleteRun(ids[0]);
    expect((await store.searchRuns({ experimentIds: ['0'] })).runs).toHaveLength(4);
    expect((await store.searchRuns({ experimentIds: ['0'], viewType: 'DELETED_ONLY' })).runs.map((r) => r.info.runName)).toEqual(['r0']);
    await store.close();
  });

  it('two processes write one database at once (WAL + busy timeout) without losing a point', async () => {
    const dir = tempDir();
    const uri = 'sqlite:///mlflow.db';
    // Create the schema first, as a sweep's parent process does.
    await (await openStore({ uri, cwd: dir, env: {} })).close();
    const workers = [spawnWorker([uri, 'sweep', 'w1', '100', 'finish'], dir), spawnWorker([uri, 'sweep', 'w2', '100', 'finish'], dir)];
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const e of exits) expect(e).toMatchObject({ code: 0 });
    const store = await openStore({ uri, cwd: dir, env: {}, readOnly: true });
    const exps = await store.listExperiments();
    expect(exps.map((e) => e.name)).toEqual(['Default', 'sweep']);
    const runs = (await store.searchRuns({ experimentIds: [exps[1].experimentId] })).runs;
    expect(runs.map((r) => r.info.runName).sort()).toEqual(['w1', 'w2']);
    for (const r of runs) {
      expect(r.info.status).toBe('FINISHED');
      expect((await store.getMetricHistory(r.info.runId, 'loss')).map((p) => p.step)).toEqual([...Array(100).keys()]);
    }
    await store.close();
  });
});
