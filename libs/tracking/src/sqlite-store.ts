import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { WorkbenchError, type DatasetInput, type MetricPoint, type RunStatus } from '@workbench/core';
import * as artifacts from './local-artifacts.ts';
import type { StoreOpenContext } from './open-store.ts';
import { uriSourceLabel } from './tracking-uri.ts';
import { newRunTags } from './run-names.ts';
import { MLFLOW_ALEMBIC_REVISION, MLFLOW_SCHEMA_SQL } from './sqlite-schema.ts';
import { sqlMetricValue } from './sql-metric-value.ts';
import { decodePageToken, encodePageToken, pageSize } from './page-token.ts';
import type {
  ArtifactEntry,
  CreateRunOptions,
  Experiment,
  LifecycleStage,
  LogBatch,
  Run,
  RunInfo,
  RunPage,
  RunSearch,
  RunUpdate,
  TrackingStore,
  ViewType,
} from './store.ts';
import { MLFLOW_TAGS, endTimeAfter } from './store.ts';
import { checkParamsUnchanged, validateBatch, validateExperimentTag } from './validation.ts';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: LifecycleStage;
  creation_time: number | null;
  last_update_time: number | null;
}

interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  artifact_uri: string | null;
  experiment_id: number;
}

interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

const VIEW_STAGES: Record<ViewType, LifecycleStage[]> = { ACTIVE_ONLY: ['active'], DELETED_ONLY: ['deleted'], ALL: ['active', 'deleted'] };

/** Append a path segment to an artifact root the way MLflow's append_to_uri_path does (one '/'). */
function appendPath(root: string, ...parts: string[]): string {
  return [root.replace(/\/+$/, ''), ...parts].join('/');
}

/**
 * MLflow's SQL tracking store on SQLite, in MLflow's own schema (alembic f5a4f2784254). WAL journal and a busy
 * timeout let several sweep workers (processes) write one database at once; every batch is one IMMEDIATE
 * transaction, so a batch is all-or-nothing and a killed process leaves the database consistent.
 */
export class SqliteStore implements TrackingStore {
  readonly kind = 'sqlite';
  private closed = false;

  private constructor(
    readonly uri: string,
    private readonly db: Database.Database,
    /** Absolute folder under which experiments get `<id>/` artifact folders. */
    readonly artifactRoot: string,
  ) {}

  static open(ctx: Pick<StoreOpenContext, 'uri' | 'path' | 'artifactRoot'> & Partial<Pick<StoreOpenContext, 'source' | 'readOnly'>>): SqliteStore {
    const where = { source: uriSourceLabel(ctx.source ?? '--tracking-uri') };
    const path = ctx.path ?? ':memory:';
    let db: Database.Database;
    const readOnly = ctx.readOnly ?? false;
    if (readOnly && path !== ':memory:' && !existsSync(path)) {
      throw new WorkbenchError('TRACKING_NOT_FOUND', `no MLflow database at '${path}' (tracking URI '${ctx.uri}')`, {
        where,
        hint: 'log a run first, or point --tracking-uri / MLFLOW_TRACKING_URI at an existing store',
      });
    }
    try {
      if (path !== ':memory:' && !readOnly) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { readonly: readOnly, fileMustExist: readOnly, timeout: 30_000 });
    } catch (e) {
      throw new WorkbenchError('TRACKING_URI', `cannot open the SQLite store '${path}' of tracking URI '${ctx.uri}': ${(e as Error).message}`, {
        where,
        cause: e,
      });
    }
    const store = new SqliteStore(ctx.uri, db, ctx.artifactRoot);
    // Reading also works on newer MLflow schemas (they add tables and columns); writing needs ours exactly.
    if (!readOnly) store.init();
    else store.checkRevision(false);
    return store;
  }

  private init(): void {
    const { db } = this;
    if (!db.memory) db.pragma('journal_mode = WAL');
    // NORMAL is durable against process death in WAL mode (only an OS crash could lose the last commits).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 30000');
    db.pragma('foreign_keys = ON');
    db.transaction(() => {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").get();
      if (!has) {
        const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
        // Never add MLflow's tables to somebody else's database.
        if (tables.n > 0) throw new WorkbenchError('TRACKING_URI', `'${this.uri}' is a SQLite database but not an MLflow one (it has tables and no alembic_version)`);
        db.exec(MLFLOW_SCHEMA_SQL);
        db.prepare('INSERT INTO alembic_version (version_num) VALUES (?)').run(MLFLOW_ALEMBIC_REVISION);
      }
      if (!db.prepare('SELECT 1 FROM experiments WHERE experiment_id = 0').get()) {
        // MLflow creates the Default experiment (id 0) with the store.
        const now = Date.now();
        db.prepare('INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, ?, ?, ?, ?, ?)').run(
          'Default',
          appendPath(this.artifactRoot, '0'),
          'active',
          now,
          now,
        );
      }
    }).immediate();
    this.checkRevision();
  }

  private checkRevision(exact = true): void {
    const has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").get();
    const row = has ? (this.db.prepare('SELECT version_num FROM alembic_version').get() as { version_num: string } | undefined) : undefined;
    if (!row) throw new WorkbenchError('TRACKING_URI', `'${this.uri}' is not an MLflow database (it has no alembic_version)`);
    if (exact && row.version_num !== MLFLOW_ALEMBIC_REVISION) {
      throw new WorkbenchError('TRACKING_URI', `the MLflow database '${this.uri}' is at schema revision ${row.version_num}; the workbench writes revision ${MLFLOW_ALEMBIC_REVISION} (MLflow 2.17.2)`, {
        hint: 'use a new database file, or a file: / http(s):// tracking URI for this one',
      });
    }
  }

  /** The underlying connection, for tests that check rows against MLflow's conventions. */
  get database(): Database.Database {
    return this.db;
  }

  private tx<T>(fn: () => T): T {
    if (this.closed) throw new WorkbenchError('INTERNAL', `the SQLite store '${this.uri}' is closed`);
    return this.db.transaction(fn).immediate();
  }

  // ---------------------------------------------------------------- experiments

  private experimentFromRow(row: ExperimentRow): Experiment {
    const tags: Record<string, string> = {};
    for (const t of this.db.prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ?').all(row.experiment_id) as { key: string; value: string }[]) {
      tags[t.key] = t.value;
    }
    return {
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactLocation: row.artifact_location ?? '',
      lifecycleStage: row.lifecycle_stage,
      creationTime: row.creation_time ?? undefined,
      lastUpdateTime: row.last_update_time ?? undefined,
      tags,
    };
  }

  private experimentRow(experimentId: string): ExperimentRow {
    const row = /^\d+$/.test(experimentId) ? (this.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as ExperimentRow | undefined) : undefined;
    if (!row) throw new WorkbenchError('TRACKING_NOT_FOUND', `no experiment with id '${experimentId}' in ${this.uri}`);
    return row;
  }

  async getOrCreateExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    if (name === '') throw new WorkbenchError('TRACKING_INVALID', 'an experiment name must not be empty');
    for (const [k, v] of Object.entries(tags)) validateExperimentTag(k, v);
    const row = this.tx(() => {
      const found = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
      if (found) return found;
      const now = Date.now();
      const id = Number(this.db.prepare('INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, NULL, ?, ?, ?)').run(name, 'active', now, now).lastInsertRowid);
      // MLflow sets the artifact location once the id is known.
      this.db.prepare('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?').run(appendPath(this.artifactRoot, String(id)), id);
      const ins = this.db.prepare('INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(tags)) ins.run(k, v, id);
      return this.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(id) as ExperimentRow;
    });
    if (row.lifecycle_stage === 'deleted') {
      throw new WorkbenchError('TRACKING_INVALID', `experiment '${name}' (id ${row.experiment_id}) is deleted`, {
        hint: `restore it (mlflow experiments restore --experiment-id ${row.experiment_id}) or use another name`,
      });
    }
    return this.experimentFromRow(row);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.experimentFromRow(this.experimentRow(experimentId));
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row ? this.experimentFromRow(row) : undefined;
  }

  async listExperiments(viewType: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    const stages = VIEW_STAGES[viewType];
    const rows = this.db
      .prepare(`SELECT * FROM experiments WHERE lifecycle_stage IN (${stages.map(() => '?').join(', ')}) ORDER BY experiment_id`)
      .all(...stages) as ExperimentRow[];
    return rows.map((r) => this.experimentFromRow(r));
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value);
    this.tx(() => {
      const row = this.experimentRow(experimentId);
      this.db
        .prepare('INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?) ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value')
        .run(key, value, row.experiment_id);
    });
  }

  private setExperimentStage(experimentId: string, stage: LifecycleStage): void {
    this.tx(() => {
      const row = this.experimentRow(experimentId);
      const now = Date.now();
      this.db.prepare('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?').run(stage, now, row.experiment_id);
      // MLflow 2.x deletes and restores the experiment's runs with it.
      this.db
        .prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
        .run(stage, stage === 'deleted' ? now : null, row.experiment_id);
    });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === '0') throw new WorkbenchError('TRACKING_INVALID', 'the Default experiment (id 0) cannot be deleted');
    this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    this.setExperimentStage(experimentId, 'active');
  }

  // ---------------------------------------------------------------- runs

  private runRow(runId: string): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_uuid = ?').get(runId) as RunRow | undefined;
    if (!row) throw new WorkbenchError('TRACKING_NOT_FOUND', `no run with id '${runId}' in ${this.uri}`);
    return row;
  }

  private activeRunRow(runId: string): RunRow {
    const row = this.runRow(runId);
    if (row.lifecycle_stage !== 'active') {
      throw new WorkbenchError('TRACKING_INVALID', `run ${runId} is deleted: MLflow only logs to runs in the 'active' state`, { hint: 'restore the run first' });
    }
    return row;
  }

  private infoFromRow(row: RunRow): RunInfo {
    return {
      runId: row.run_uuid,
      experimentId: String(row.experiment_id),
      runName: row.name ?? '',
      userId: row.user_id ?? '',
      status: row.status,
      startTime: row.start_time ?? 0,
      endTime: row.end_time,
      artifactUri: row.artifact_uri ?? '',
      lifecycleStage: row.lifecycle_stage,
    };
  }

  private runFromRow(row: RunRow): Run {
    const id = row.run_uuid;
    const params: Record<string, string> = {};
    for (const p of this.db.prepare('SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key').all(id) as { key: string; value: string }[]) params[p.key] = p.value;
    const tags: Record<string, string> = {};
    for (const t of this.db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key').all(id) as { key: string; value: string }[]) tags[t.key] = t.value;
    const metrics = (this.db.prepare('SELECT key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? ORDER BY key').all(id) as MetricRow[]).map(metricFromRow);
    const inputs = (
      this.db
        .prepare(
          `SELECT i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
           FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
           WHERE i.destination_type = 'RUN' AND i.destination_id = ? AND i.source_type = 'DATASET' ORDER BY d.name, d.digest`,
        )
        .all(id) as { input_uuid: string; name: string; digest: string; dataset_source_type: string; dataset_source: string; dataset_schema: string | null; dataset_profile: string | null }[]
    ).map((d) => {
      const inputTags: Record<string, string> = {};
      for (const t of this.db.prepare('SELECT name, value FROM input_tags WHERE input_uuid = ?').all(d.input_uuid) as { name: string; value: string }[]) inputTags[t.name] = t.value;
      return {
        dataset: {
          name: d.name,
          digest: d.digest,
          sourceType: d.dataset_source_type,
          source: d.dataset_source,
          ...(d.dataset_schema ? { schema: d.dataset_schema } : {}),
          ...(d.dataset_profile ? { profile: d.dataset_profile } : {}),
        },
        tags: inputTags,
      };
    });
    return { info: this.infoFromRow(row), data: { params, tags, metrics }, inputs };
  }

  async createRun(options: CreateRunOptions): Promise<Run> {
    const { runName, tags } = newRunTags(options);
    const runId = randomUUID().replace(/-/g, '');
    const row = this.tx(() => {
      const exp = this.experimentRow(options.experimentId);
      if (exp.lifecycle_stage !== 'active') throw new WorkbenchError('TRACKING_INVALID', `experiment ${options.experimentId} is deleted: runs can only be created in active experiments`);
      if (options.parentRunId !== undefined) this.runRow(options.parentRunId);
      const artifactUri = appendPath(exp.artifact_location ?? appendPath(this.artifactRoot, String(exp.experiment_id)), runId, 'artifacts');
      this.db
        .prepare(
          `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
           VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)`,
        )
        .run(runId, runName, options.userId ?? '', options.startTime ?? Date.now(), artifactUri, exp.experiment_id);
      const ins = this.db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(tags)) ins.run(k, v, runId);
      return this.runRow(runId);
    });
    return this.runFromRow(row);
  }

  async updateRun(runId: string, update: RunUpdate): Promise<RunInfo> {
    return this.tx(() => {
      const row = this.activeRunRow(runId);
      this.db
        .prepare('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?')
        .run(update.status ?? row.status, endTimeAfter(update, row.end_time), update.runName ?? row.name, runId);
      if (update.runName !== undefined) {
        this.db
          .prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value')
          .run(MLFLOW_TAGS.runName, update.runName, runId);
      }
      return this.infoFromRow(this.runRow(runId));
    });
  }

  async getRun(runId: string): Promise<Run> {
    return this.runFromRow(this.runRow(runId));
  }

  async searchRuns(search: RunSearch): Promise<RunPage> {
    const where: string[] = [];
    const args: unknown[] = [];
    const expIds = search.experimentIds.filter((e) => /^\d+$/.test(e)).map(Number);
    if (expIds.length === 0) return { runs: [] };
    where.push(`experiment_id IN (${expIds.map(() => '?').join(', ')})`);
    args.push(...expIds);
    const stages = VIEW_STAGES[search.viewType ?? 'ACTIVE_ONLY'];
    where.push(`lifecycle_stage IN (${stages.map(() => '?').join(', ')})`);
    args.push(...stages);
    if (search.statuses && search.statuses.length > 0) {
      where.push(`status IN (${search.statuses.map(() => '?').join(', ')})`);
      args.push(...search.statuses);
    }
    for (const [k, v] of Object.entries(search.tags ?? {})) {
      where.push('EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = runs.run_uuid AND t.key = ? AND t.value = ?)');
      args.push(k, v);
    }
    for (const [k, v] of Object.entries(search.params ?? {})) {
      where.push('EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = runs.run_uuid AND p.key = ? AND p.value = ?)');
      args.push(k, v);
    }
    const size = pageSize(search.maxResults);
    const offset = decodePageToken(search.pageToken);
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY start_time DESC, run_uuid LIMIT ? OFFSET ?`)
      .all(...args, size + 1, offset) as RunRow[];
    const more = rows.length > size;
    return { runs: rows.slice(0, size).map((r) => this.runFromRow(r)), ...(more ? { nextPageToken: encodePageToken(offset + size) } : {}) };
  }

  private setRunStage(runId: string, stage: LifecycleStage): void {
    this.tx(() => {
      this.runRow(runId);
      this.db.prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?').run(stage, stage === 'deleted' ? Date.now() : null, runId);
    });
  }

  async deleteRun(runId: string): Promise<void> {
    this.setRunStage(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    this.setRunStage(runId, 'active');
  }

  // ---------------------------------------------------------------- logging

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    validateBatch(batch);
    this.tx(() => {
      this.activeRunRow(runId);
      const params = batch.params ?? [];
      if (params.length > 0) {
        const get = this.db.prepare('SELECT value FROM params WHERE run_uuid = ? AND key = ?');
        checkParamsUnchanged(runId, params, (key) => (get.get(runId, key) as { value: string } | undefined)?.value);
        const ins = this.db.prepare('INSERT OR IGNORE INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
        for (const p of params) ins.run(p.key, p.value, runId);
      }
      const tagUpsert = this.db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value');
      for (const t of batch.tags ?? []) {
        tagUpsert.run(t.key, t.value, runId);
        // mlflow.runName is mirrored in runs.name, as MLflow's set_tag does.
        if (t.key === MLFLOW_TAGS.runName) this.db.prepare('UPDATE runs SET name = ? WHERE run_uuid = ?').run(t.value, runId);
      }
      const metrics = batch.metrics ?? [];
      if (metrics.length > 0) this.insertMetrics(runId, metrics);
    });
  }

  private insertMetrics(runId: string, metrics: MetricPoint[]): void {
    // INSERT OR IGNORE: a point already stored (same key, timestamp, step, value) is not duplicated, as in MLflow.
    const ins = this.db.prepare('INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)');
    const latestGet = this.db.prepare('SELECT key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?');
    const latestPut = this.db.prepare(
      'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan',
    );
    for (const m of metrics) {
      const [value, isNan] = sqlMetricValue(m.value);
      ins.run(m.key, value, m.timestamp, runId, m.step, isNan);
      const latest = latestGet.get(runId, m.key) as MetricRow | undefined;
      // MLflow's rule: the latest point has the largest (step, timestamp, stored value).
      if (!latest || compareTriples([m.step, m.timestamp, value], [latest.step, latest.timestamp, latest.value]) >= 0) {
        latestPut.run(m.key, value, m.timestamp, m.step, isNan, runId);
      }
    }
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    this.tx(() => {
      this.activeRunRow(runId);
      const res = this.db.prepare('DELETE FROM tags WHERE run_uuid = ? AND key = ?').run(runId, key);
      if (res.changes === 0) throw new WorkbenchError('TRACKING_NOT_FOUND', `run ${runId} has no tag '${key}'`);
    });
  }

  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    this.tx(() => {
      const run = this.activeRunRow(runId);
      for (const input of inputs) {
        let ds = this.db.prepare('SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?').get(run.experiment_id, input.name, input.digest) as
          | { dataset_uuid: string }
          | undefined;
        if (!ds) {
          ds = { dataset_uuid: randomUUID().replace(/-/g, '') };
          this.db
            .prepare('INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
            .run(ds.dataset_uuid, run.experiment_id, input.name, input.digest, input.sourceType, input.source, input.schema ?? '', input.profile ?? '');
        }
        const existing = this.db
          .prepare("SELECT input_uuid FROM inputs WHERE source_type = 'DATASET' AND source_id = ? AND destination_type = 'RUN' AND destination_id = ?")
          .get(ds.dataset_uuid, runId) as { input_uuid: string } | undefined;
        if (existing) continue;
        const inputUuid = randomUUID().replace(/-/g, '');
        this.db.prepare("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id) VALUES (?, 'DATASET', ?, 'RUN', ?)").run(inputUuid, ds.dataset_uuid, runId);
        if (input.context !== undefined) this.db.prepare('INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)').run(inputUuid, MLFLOW_TAGS.datasetContext, input.context);
      }
    });
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    this.runRow(runId);
    const rows = this.db.prepare('SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp, value').all(runId, key) as MetricRow[];
    return rows.map(metricFromRow);
  }

  // ---------------------------------------------------------------- artifacts

  private artifactDir(runId: string): string {
    const row = this.runRow(runId);
    return artifacts.artifactUriToPath(row.artifact_uri ?? join(this.artifactRoot, String(row.experiment_id), runId, 'artifacts'), runId);
  }

  putArtifact(runId: string, artifactPath: string, data: Uint8Array | string): Promise<void> {
    return artifacts.putArtifactBytes(this.artifactDir(runId), artifactPath, data);
  }

  putArtifactFile(runId: string, localPath: string, artifactDir?: string): Promise<void> {
    return artifacts.putArtifactFile(this.artifactDir(runId), localPath, artifactDir);
  }

  putArtifactDir(runId: string, localDir: string, artifactDir?: string): Promise<void> {
    return artifacts.putArtifactDir(this.artifactDir(runId), localDir, artifactDir);
  }

  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]> {
    return artifacts.listArtifacts(this.artifactDir(runId), path);
  }

  getArtifact(runId: string, artifactPath: string): Promise<Uint8Array> {
    return artifacts.getArtifact(this.artifactDir(runId), artifactPath, runId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function metricFromRow(r: MetricRow): MetricPoint {
  return { key: r.key, value: r.is_nan ? NaN : r.value, timestamp: r.timestamp, step: r.step };
}

function compareTriples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
