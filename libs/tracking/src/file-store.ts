import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkbenchError, type DatasetInput, type MetricPoint, type RunStatus } from '@workbench/core';
import * as artifacts from './local-artifacts.ts';
import { dumpMetaYaml, parseMetaYaml, type YamlValue } from './mlflow-yaml.ts';
import type { StoreOpenContext } from './open-store.ts';
import { uriSourceLabel } from './tracking-uri.ts';
import { decodePageToken, encodePageToken, pageSize } from './page-token.ts';
import { parsePythonFloat, pythonFloatRepr } from './python-float.ts';
import { newRunTags } from './run-names.ts';
import type {
  ArtifactEntry,
  CreateRunOptions,
  Experiment,
  LifecycleStage,
  LogBatch,
  Run,
  RunDatasetInput,
  RunInfo,
  RunPage,
  RunSearch,
  RunUpdate,
  TrackingStore,
  ViewType,
} from './store.ts';
import { MLFLOW_TAGS, RUN_STATUS_CODES, endTimeAfter } from './store.ts';
import { checkParamsUnchanged, validateBatch, validateExperimentTag, validateKey } from './validation.ts';

const TRASH = '.trash';
const STALE_LOCK_MS = 10_000;
const META = 'meta.yaml';
const STATUS_BY_CODE = Object.fromEntries(Object.entries(RUN_STATUS_CODES).map(([k, v]) => [v, k])) as Record<number, RunStatus>;
/** MLflow's SourceType.LOCAL, written into every run's meta.yaml. */
const SOURCE_TYPE_LOCAL = 4;

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Where one experiment lives: its folder and whether that folder is in `.trash`. */
interface ExperimentDir {
  id: string;
  dir: string;
}

/** A metric/param/tag key as a file below `folder`: '/' in a key makes sub-folders, as in MLflow. */
function keyPath(folder: string, key: string): string {
  return join(folder, ...key.split('/'));
}

/** Creates the sub-folders of a key with '/' (the key folder itself exists since the run was created). */
async function ensureParent(folder: string, key: string): Promise<void> {
  if (key.includes('/')) await mkdir(join(keyPath(folder, key), '..'), { recursive: true });
  else await mkdir(folder, { recursive: true });
}

/** Writes a file through a temporary name and a rename, so a killed process never leaves half a meta.yaml. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Every file below `dir` as a '/'-joined relative key, with its text. */
async function readKeyFiles(dir: string, prefix = ''): Promise<[string, string][]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  for (const e of entries) {
    const key = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await readKeyFiles(join(dir, e.name), key)));
    else if (!e.name.endsWith('.tmp')) out.push([key, await readFile(join(dir, e.name), 'utf8')]);
  }
  return out;
}

function parseMetricLines(key: string, text: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [ts, value, step] = line.trim().split(/\s+/);
    points.push({ key, timestamp: Number(ts), value: parsePythonFloat(value), step: step === undefined ? 0 : Number(step) });
  }
  return points;
}

/** MLflow's latest point: the largest (step, timestamp, value); NaN counts as the smallest value. */
function latestPoint(points: MetricPoint[]): MetricPoint | undefined {
  let best: MetricPoint | undefined;
  const v = (x: number) => (Number.isNaN(x) ? -Infinity : x);
  for (const p of points) {
    if (!best || p.step > best.step || (p.step === best.step && (p.timestamp > best.timestamp || (p.timestamp === best.timestamp && v(p.value) >= v(best.value))))) best = p;
  }
  return best;
}

/**
 * MLflow's FileStore (`file:` URIs and bare paths), writing the golden tree's formats byte for byte: meta.yaml as
 * PyYAML dumps it, one metric file per key with `<timestamp> <value> <step>` lines (values as Python prints them),
 * params and tags as files without a trailing newline, deleted experiments in `.trash/`.
 */
export class FileStore implements TrackingStore {
  readonly kind = 'file';
  private readonly runDirs = new Map<string, string>();

  private constructor(
    readonly uri: string,
    readonly root: string,
  ) {}

  static open(ctx: Pick<StoreOpenContext, 'uri' | 'path'> & Partial<Pick<StoreOpenContext, 'source' | 'readOnly'>>): FileStore {
    const root = ctx.path!;
    const where = { source: uriSourceLabel(ctx.source ?? '--tracking-uri') };
    if (ctx.readOnly) {
      if (!existsSync(root)) {
        throw new WorkbenchError('TRACKING_NOT_FOUND', `no MLflow FileStore at '${root}' (tracking URI '${ctx.uri}')`, {
          where,
          hint: 'log a run first, or point --tracking-uri / MLFLOW_TRACKING_URI at an existing store',
        });
      }
      return new FileStore(ctx.uri, root);
    }
    try {
      mkdirSync(join(root, TRASH), { recursive: true });
    } catch (e) {
      throw new WorkbenchError('TRACKING_URI', `cannot create the FileStore folder '${root}' of tracking URI '${ctx.uri}': ${(e as Error).message}`, {
        where,
        cause: e,
      });
    }
    const store = new FileStore(ctx.uri, root);
    if (!existsSync(join(root, '0', META)) && !existsSync(join(root, TRASH, '0', META))) store.createExperimentSync('0', 'Default', {});
    return store;
  }

  // ---------------------------------------------------------------- experiments

  private artifactRootUri(): string {
    return pathToFileURL(this.root).href.replace(/\/$/, '');
  }

  private createExperimentSync(id: string, name: string, tags: Record<string, string>): void {
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    const meta = {
      artifact_location: `${this.artifactRootUri()}/${id}`,
      creation_time: now,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    for (const [k, v] of Object.entries(tags)) {
      mkdirSync(join(keyPath(join(dir, 'tags'), k), '..'), { recursive: true });
      writeFileSync(keyPath(join(dir, 'tags'), k), v);
    }
    // meta.yaml last: an experiment folder without it is ignored by MLflow, so a crash leaves no half experiment.
    const tmp = join(dir, `${META}.${process.pid}.tmp`);
    writeFileSync(tmp, dumpMetaYaml(meta));
    renameSync(tmp, join(dir, META));
  }

  /** Experiment folders in the root (active) and in .trash (deleted). */
  private experimentDirs(viewType: ViewType = 'ALL'): ExperimentDir[] {
    const out: ExperimentDir[] = [];
    const scan = (base: string) => {
      for (const e of readdirSync(base, { withFileTypes: true })) {
        if (e.isDirectory() && /^\d+$/.test(e.name) && existsSync(join(base, e.name, META))) out.push({ id: e.name, dir: join(base, e.name) });
      }
    };
    if (viewType !== 'DELETED_ONLY') scan(this.root);
    if (viewType !== 'ACTIVE_ONLY' && existsSync(join(this.root, TRASH))) scan(join(this.root, TRASH));
    return out;
  }

  private experimentDir(experimentId: string): string {
    for (const base of [this.root, join(this.root, TRASH)]) {
      const dir = join(base, experimentId);
      if (/^\d+$/.test(experimentId) && existsSync(join(dir, META))) return dir;
    }
    throw new WorkbenchError('TRACKING_NOT_FOUND', `no experiment with id '${experimentId}' in ${this.uri}`);
  }

  private async readExperiment(dir: string): Promise<Experiment> {
    const meta = parseMetaYaml(await readFile(join(dir, META), 'utf8'));
    const tags: Record<string, string> = {};
    for (const [k, v] of await readKeyFiles(join(dir, 'tags'))) tags[k] = v;
    return {
      experimentId: String(meta['experiment_id']),
      name: String(meta['name']),
      artifactLocation: String(meta['artifact_location'] ?? ''),
      lifecycleStage: (meta['lifecycle_stage'] as LifecycleStage) ?? 'active',
      creationTime: typeof meta['creation_time'] === 'number' ? meta['creation_time'] : undefined,
      lastUpdateTime: typeof meta['last_update_time'] === 'number' ? meta['last_update_time'] : undefined,
      tags,
    };
  }

  async getOrCreateExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    if (name === '') throw new WorkbenchError('TRACKING_INVALID', 'an experiment name must not be empty');
    for (const [k, v] of Object.entries(tags)) validateExperimentTag(k, v);
    // Serialize creators (sweep workers) with a lock folder; MLflow itself does not, and can create a name twice.
    return this.withLock(async () => {
      const found = await this.getExperimentByName(name);
      if (found) {
        if (found.lifecycleStage === 'deleted') {
          throw new WorkbenchError('TRACKING_INVALID', `experiment '${name}' (id ${found.experimentId}) is deleted`, { hint: 'restore it or use another name' });
        }
        return found;
      }
      let id: string;
      do id = (BigInt(`0x${randomBytes(8).toString('hex')}`) % 900_000_000_000_000_000n + 100_000_000_000_000_000n).toString();
      while (existsSync(join(this.root, id)) || existsSync(join(this.root, TRASH, id)));
      this.createExperimentSync(id, name, tags);
      return this.readExperiment(join(this.root, id));
    });
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = join(this.root, '.workbench-lock');
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await mkdir(lock);
        break;
      } catch {
        // Creating an experiment takes milliseconds: a lock this old was left by a killed process.
        const age = await stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
        if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
        else if (Date.now() > deadline) throw new WorkbenchError('IO', `the FileStore lock '${lock}' is held for over 30 s`, { hint: 'remove it if no workbench process is running' });
        else await new Promise((r) => setTimeout(r, 20));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.readExperiment(this.experimentDir(experimentId));
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    for (const { dir } of this.experimentDirs('ALL')) {
      const exp = await this.readExperiment(dir);
      if (exp.name === name) return exp;
    }
    return undefined;
  }

  async listExperiments(viewType: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    const out: Experiment[] = [];
    for (const { dir } of this.experimentDirs(viewType)) out.push(await this.readExperiment(dir));
    return out.sort((a, b) => Number(BigInt(a.experimentId) - BigInt(b.experimentId) > 0n) - Number(BigInt(a.experimentId) - BigInt(b.experimentId) < 0n));
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value);
    const file = keyPath(join(this.experimentDir(experimentId), 'tags'), key);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, value);
  }

  private async setExperimentStage(experimentId: string, stage: LifecycleStage): Promise<void> {
    const from = this.experimentDir(experimentId);
    const exp = await this.readExperiment(from);
    if (exp.lifecycleStage === stage) return;
    const to = stage === 'deleted' ? join(this.root, TRASH, experimentId) : join(this.root, experimentId);
    const now = Date.now();
    // MLflow rewrites the experiment's meta from the whole entity, tags included.
    const meta: Record<string, YamlValue> = {
      artifact_location: exp.artifactLocation,
      creation_time: exp.creationTime ?? null,
      experiment_id: exp.experimentId,
      last_update_time: now,
      lifecycle_stage: stage,
      name: exp.name,
      tags: exp.tags,
    };
    await writeAtomic(join(from, META), dumpMetaYaml(meta));
    for (const e of await readdir(from, { withFileTypes: true })) {
      if (!e.isDirectory() || !/^[0-9a-f]{32}$/.test(e.name)) continue;
      const runDir = join(from, e.name);
      const info = await this.readRunMeta(runDir);
      await this.writeRunMeta(runDir, { ...info, lifecycleStage: stage }, stage === 'deleted' ? now : undefined);
    }
    await rename(from, to);
    this.runDirs.clear();
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === '0') throw new WorkbenchError('TRACKING_INVALID', 'the Default experiment (id 0) cannot be deleted');
    await this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.setExperimentStage(experimentId, 'active');
  }

  // ---------------------------------------------------------------- runs

  private runDir(runId: string): string {
    const cached = this.runDirs.get(runId);
    if (cached && existsSync(join(cached, META))) return cached;
    if (/^[0-9a-f]{32}$/.test(runId)) {
      for (const { dir } of this.experimentDirs('ALL')) {
        const d = join(dir, runId);
        if (existsSync(join(d, META))) {
          this.runDirs.set(runId, d);
          return d;
        }
      }
    }
    throw new WorkbenchError('TRACKING_NOT_FOUND', `no run with id '${runId}' in ${this.uri}`);
  }

  private async readRunMeta(dir: string): Promise<RunInfo> {
    const m = parseMetaYaml(await readFile(join(dir, META), 'utf8'));
    const runId = String(m['run_id'] ?? m['run_uuid']);
    let runName = m['run_name'] === undefined || m['run_name'] === null ? undefined : String(m['run_name']);
    if (runName === undefined) {
      try {
        runName = await readFile(keyPath(join(dir, 'tags'), MLFLOW_TAGS.runName), 'utf8');
      } catch {
        runName = '';
      }
    }
    return {
      runId,
      experimentId: String(m['experiment_id']),
      runName,
      userId: m['user_id'] === null || m['user_id'] === undefined ? '' : String(m['user_id']),
      status: STATUS_BY_CODE[Number(m['status'])] ?? 'RUNNING',
      startTime: Number(m['start_time'] ?? 0),
      endTime: m['end_time'] === null || m['end_time'] === undefined ? null : Number(m['end_time']),
      artifactUri: String(m['artifact_uri'] ?? ''),
      lifecycleStage: (m['lifecycle_stage'] as LifecycleStage) ?? 'active',
    };
  }

  private async writeRunMeta(dir: string, info: RunInfo, deletedTime?: number): Promise<void> {
    const meta: Record<string, YamlValue> = {
      artifact_uri: info.artifactUri,
      end_time: info.endTime,
      entry_point_name: '',
      experiment_id: info.experimentId,
      lifecycle_stage: info.lifecycleStage,
      run_id: info.runId,
      run_name: info.runName,
      run_uuid: info.runId,
      source_name: '',
      source_type: SOURCE_TYPE_LOCAL,
      source_version: '',
      start_time: info.startTime,
      status: RUN_STATUS_CODES[info.status],
      tags: [],
      user_id: info.userId,
    };
    if (deletedTime !== undefined) meta['deleted_time'] = deletedTime;
    await writeAtomic(join(dir, META), dumpMetaYaml(meta));
  }

  private async readRun(dir: string): Promise<Run> {
    const info = await this.readRunMeta(dir);
    const params: Record<string, string> = {};
    for (const [k, v] of await readKeyFiles(join(dir, 'params'))) params[k] = v;
    const tags: Record<string, string> = {};
    for (const [k, v] of await readKeyFiles(join(dir, 'tags'))) tags[k] = v;
    const metrics: MetricPoint[] = [];
    for (const [k, text] of await readKeyFiles(join(dir, 'metrics'))) {
      const latest = latestPoint(parseMetricLines(k, text));
      if (latest) metrics.push(latest);
    }
    metrics.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { info, data: { params: sortKeys(params), tags: sortKeys(tags), metrics }, inputs: await this.readInputs(dir) };
  }

  private async readInputs(runDir: string): Promise<RunDatasetInput[]> {
    const inputsDir = join(runDir, 'inputs');
    let ids: string[];
    try {
      ids = await readdir(inputsDir);
    } catch {
      return [];
    }
    const out: RunDatasetInput[] = [];
    for (const id of ids.sort()) {
      const input = parseMetaYaml(await readFile(join(inputsDir, id, META), 'utf8'));
      const ds = parseMetaYaml(await readFile(join(runDir, '..', 'datasets', String(input['source_id']), META), 'utf8'));
      const tags: Record<string, string> = {};
      const rawTags = input['tags'];
      if (rawTags && typeof rawTags === 'object' && !Array.isArray(rawTags)) for (const [k, v] of Object.entries(rawTags)) tags[k] = String(v);
      out.push({
        dataset: {
          name: String(ds['name']),
          digest: String(ds['digest']),
          sourceType: String(ds['source_type']),
          source: String(ds['source']),
          ...(typeof ds['schema'] === 'string' ? { schema: ds['schema'] } : {}),
          ...(typeof ds['profile'] === 'string' ? { profile: ds['profile'] } : {}),
        },
        tags,
      });
    }
    return out;
  }

  async createRun(options: CreateRunOptions): Promise<Run> {
    const { runName, tags } = newRunTags(options);
    const expDir = this.experimentDir(options.experimentId);
    const exp = await this.readExperiment(expDir);
    if (exp.lifecycleStage !== 'active') throw new WorkbenchError('TRACKING_INVALID', `experiment ${options.experimentId} is deleted: runs can only be created in active experiments`);
    if (options.parentRunId !== undefined) this.runDir(options.parentRunId);
    const runId = randomUUID().replace(/-/g, '');
    const dir = join(expDir, runId);
    const info: RunInfo = {
      runId,
      experimentId: exp.experimentId,
      runName,
      userId: options.userId ?? '',
      status: 'RUNNING',
      startTime: options.startTime ?? Date.now(),
      endTime: null,
      artifactUri: `${exp.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
      lifecycleStage: 'active',
    };
    for (const sub of ['artifacts', 'metrics', 'params', 'tags']) await mkdir(join(dir, sub), { recursive: true });
    for (const [k, v] of Object.entries(tags)) await this.writeKeyFile(join(dir, 'tags'), k, v);
    await this.writeRunMeta(dir, info);
    this.runDirs.set(runId, dir);
    return this.readRun(dir);
  }

  async updateRun(runId: string, update: RunUpdate): Promise<RunInfo> {
    const dir = this.runDir(runId);
    const info = await this.readRunMeta(dir);
    this.checkActive(info);
    const next: RunInfo = { ...info, status: update.status ?? info.status, endTime: endTimeAfter(update, info.endTime), runName: update.runName ?? info.runName };
    await this.writeRunMeta(dir, next);
    if (update.runName !== undefined) await this.writeKeyFile(join(dir, 'tags'), MLFLOW_TAGS.runName, update.runName);
    return next;
  }

  private checkActive(info: RunInfo): void {
    if (info.lifecycleStage !== 'active') {
      throw new WorkbenchError('TRACKING_INVALID', `run ${info.runId} is deleted: MLflow only logs to runs in the 'active' state`, { hint: 'restore the run first' });
    }
  }

  async getRun(runId: string): Promise<Run> {
    return this.readRun(this.runDir(runId));
  }

  async searchRuns(search: RunSearch): Promise<RunPage> {
    const stages = search.viewType === 'ALL' ? ['active', 'deleted'] : search.viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
    const matches: Run[] = [];
    for (const expId of search.experimentIds) {
      let expDir: string;
      try {
        expDir = this.experimentDir(expId);
      } catch {
        continue;
      }
      for (const e of await readdir(expDir, { withFileTypes: true })) {
        if (!e.isDirectory() || !/^[0-9a-f]{32}$/.test(e.name) || !existsSync(join(expDir, e.name, META))) continue;
        const runDir = join(expDir, e.name);
        // Cheap checks first (meta.yaml, the few tag/param files asked for): a resume that looks up one config
        // hash among thousands of runs must not read every metric file.
        const info = await this.readRunMeta(runDir);
        if (!stages.includes(info.lifecycleStage)) continue;
        if (search.statuses && search.statuses.length > 0 && !search.statuses.includes(info.status)) continue;
        if (!(await this.keyFilesEqual(join(runDir, 'tags'), search.tags)) || !(await this.keyFilesEqual(join(runDir, 'params'), search.params))) continue;
        matches.push(await this.readRun(runDir));
      }
    }
    matches.sort((a, b) => b.info.startTime - a.info.startTime || (a.info.runId < b.info.runId ? -1 : 1));
    const size = pageSize(search.maxResults);
    const offset = decodePageToken(search.pageToken);
    const page = matches.slice(offset, offset + size);
    return { runs: page, ...(offset + size < matches.length ? { nextPageToken: encodePageToken(offset + size) } : {}) };
  }

  private async keyFilesEqual(folder: string, wanted: Record<string, string> | undefined): Promise<boolean> {
    for (const [k, v] of Object.entries(wanted ?? {})) {
      let actual: string;
      try {
        validateKey('tag', k);
        actual = await readFile(keyPath(folder, k), 'utf8');
      } catch {
        return false;
      }
      if (actual !== v) return false;
    }
    return true;
  }

  private async setRunStage(runId: string, stage: LifecycleStage): Promise<void> {
    const dir = this.runDir(runId);
    const info = await this.readRunMeta(dir);
    await this.writeRunMeta(dir, { ...info, lifecycleStage: stage }, stage === 'deleted' ? Date.now() : undefined);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'active');
  }

  // ---------------------------------------------------------------- logging

  private async writeKeyFile(folder: string, key: string, value: string): Promise<void> {
    const file = keyPath(folder, key);
    await ensureParent(folder, key);
    await writeFile(file, value);
  }

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    validateBatch(batch);
    const dir = this.runDir(runId);
    const info = await this.readRunMeta(dir);
    this.checkActive(info);
    const params = batch.params ?? [];
    // Check every param before writing anything, so a changed param rejects the whole batch.
    const existing = new Map<string, string>();
    for (const p of params) {
      try {
        existing.set(p.key, await readFile(keyPath(join(dir, 'params'), p.key), 'utf8'));
      } catch {
        // not logged yet
      }
    }
    checkParamsUnchanged(runId, params, (k) => existing.get(k));
    for (const p of params) if (!existing.has(p.key)) await this.writeKeyFile(join(dir, 'params'), p.key, p.value);
    for (const t of batch.tags ?? []) {
      await this.writeKeyFile(join(dir, 'tags'), t.key, t.value);
      if (t.key === MLFLOW_TAGS.runName && t.value !== info.runName) await this.writeRunMeta(dir, { ...info, runName: t.value });
    }
    // One append per key: the lines of a batch land together, and O_APPEND keeps concurrent writers' lines whole.
    const byKey = new Map<string, string>();
    for (const m of batch.metrics ?? []) byKey.set(m.key, (byKey.get(m.key) ?? '') + `${m.timestamp} ${pythonFloatRepr(m.value)} ${m.step}\n`);
    for (const [key, lines] of byKey) {
      await ensureParent(join(dir, 'metrics'), key);
      await appendFile(keyPath(join(dir, 'metrics'), key), lines);
    }
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const dir = this.runDir(runId);
    this.checkActive(await this.readRunMeta(dir));
    const file = keyPath(join(dir, 'tags'), key);
    if (!existsSync(file)) throw new WorkbenchError('TRACKING_NOT_FOUND', `run ${runId} has no tag '${key}'`);
    await rm(file);
  }

  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    const dir = this.runDir(runId);
    this.checkActive(await this.readRunMeta(dir));
    for (const input of inputs) {
      const datasetId = md5(input.name + input.digest);
      const dsDir = join(dir, '..', 'datasets', datasetId);
      if (!existsSync(join(dsDir, META))) {
        await mkdir(dsDir, { recursive: true });
        await writeAtomic(
          join(dsDir, META),
          dumpMetaYaml({ digest: input.digest, name: input.name, profile: input.profile ?? null, schema: input.schema ?? null, source: input.source, source_type: input.sourceType }),
        );
      }
      const inputDir = join(dir, 'inputs', md5(datasetId + runId));
      if (existsSync(join(inputDir, META))) continue;
      await mkdir(inputDir, { recursive: true });
      // MLflow 2.17's FileStore writes the dataset id as both source_id and destination_id; kept for byte equality.
      await writeAtomic(
        join(inputDir, META),
        dumpMetaYaml({
          destination_id: datasetId,
          destination_type: 'RUN',
          source_id: datasetId,
          source_type: 'DATASET',
          tags: input.context !== undefined ? { [MLFLOW_TAGS.datasetContext]: input.context } : {},
        }),
      );
    }
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    validateKey('metric', key);
    const dir = this.runDir(runId);
    let text: string;
    try {
      text = await readFile(keyPath(join(dir, 'metrics'), key), 'utf8');
    } catch {
      return [];
    }
    // Stable sort: points logged at the same step keep their logging order.
    return parseMetricLines(key, text).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  // ---------------------------------------------------------------- artifacts

  private async artifactDir(runId: string): Promise<string> {
    const dir = this.runDir(runId);
    const info = await this.readRunMeta(dir);
    const path = artifacts.artifactUriToPath(info.artifactUri, runId);
    // A store copied or moved elsewhere keeps absolute artifact URIs of its old place; its own folder is right.
    if (!existsSync(path) && existsSync(join(dir, 'artifacts'))) return join(dir, 'artifacts');
    return path;
  }

  async putArtifact(runId: string, artifactPath: string, data: Uint8Array | string): Promise<void> {
    await artifacts.putArtifactBytes(await this.artifactDir(runId), artifactPath, data);
  }

  async putArtifactFile(runId: string, localPath: string, artifactDir?: string): Promise<void> {
    await artifacts.putArtifactFile(await this.artifactDir(runId), localPath, artifactDir);
  }

  async putArtifactDir(runId: string, localDir: string, artifactDir?: string): Promise<void> {
    await artifacts.putArtifactDir(await this.artifactDir(runId), localDir, artifactDir);
  }

  async listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]> {
    return artifacts.listArtifacts(await this.artifactDir(runId), path);
  }

  async getArtifact(runId: string, artifactPath: string): Promise<Uint8Array> {
    return artifacts.getArtifact(await this.artifactDir(runId), artifactPath, runId);
  }

  async close(): Promise<void> {
    this.runDirs.clear();
  }
}

function sortKeys(obj: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
