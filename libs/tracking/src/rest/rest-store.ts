import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, posix } from 'node:path';
import { WorkbenchError, type DatasetInput, type MetricPoint } from '@workbench/core';
import { MLFLOW_TAGS, TERMINAL_STATUSES } from '../store.ts';
import type { ArtifactEntry, CreateRunOptions, Experiment, LogBatch, Run, RunInfo, RunPage, RunSearch, RunUpdate, TrackingStore, ViewType } from '../store.ts';
import { paramChangedError, validateBatch, validateExperimentTag } from '../validation.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { MlflowRestError, isMlflowRestError } from './mlflow-rest-error.ts';
import type { CreateRunRequest, RestKeyValue } from './mlflow-rest-types.ts';
import { toExperiment, toFilter, toMetricPoint, toRestDatasetInput, toRestMetric, toRun, toRunInfo } from './rest-conversions.ts';
import type { RestTransportOptions } from './rest-transport.ts';
import { resolveSpoolDir, SpoolFile, type SpoolOp } from './spool.ts';
import { markSynced, syncSpoolFile } from './spool-sync.ts';

export interface RestStoreOptions extends RestTransportOptions {
  /** Where runs go when the server stays unreachable (default WORKBENCH_SPOOL_DIR or ./.workbench/spool). */
  spoolDir?: string;
  /** Warnings (retries, spooling); default stderr. */
  warn?: (message: string) => void;
  /**
   * Once the server is found unreachable, new calls go straight to the spool instead of waiting out the
   * retries again; every `reconnectMs` one quick probe (GET /health, no retry) checks whether it is back, and
   * if so the spooled runs are replayed and continue online. Default 30 s.
   */
  reconnectMs?: number;
}

/** Experiment ids handed out while the server was unreachable: the name is resolved at replay. */
const OFFLINE_EXPERIMENT = 'offline:';

/**
 * The TrackingStore of an MLflow tracking server (`http(s)://host[:port]`), over MlflowRestClient.
 *
 * Durability: a call resolves once the server acknowledged it, or, when the server stays unreachable after
 * every retry, once it is fsync'd in the run's spool file. From then on the run is "offline": its later calls
 * go to the spool too (keeping their order), and ending the run tries one replay; whatever is left is
 * replayed by `workbench tracking sync`. A run that could not even be created gets a local run id; the
 * server assigns the real one at replay (reported by sync).
 */
export class RestStore implements TrackingStore {
  readonly kind = 'rest';
  readonly client: MlflowRestClient;
  private readonly spoolDir: string;
  private readonly warn: (message: string) => void;
  private readonly offline = new Map<string, SpoolFile>();
  private readonly offlineInfo = new Map<string, RunInfo>();
  private readonly artifactUris = new Map<string, string>();
  private readonly createKeys = new Map<string, string>();
  private readonly spooledParams = new Map<string, Map<string, string>>();
  /** Local run id -> the server's id, for runs created offline and replayed since. */
  private readonly alias = new Map<string, string>();
  private readonly probeClient: MlflowRestClient;
  private readonly reconnectMs: number;
  private serverDown = false;
  private nextProbeAt = 0;
  /** Spool headers of runs created offline, to start a new spool if the old one was replayed meanwhile. */
  private readonly localHeaders = new Map<string, Parameters<typeof SpoolFile.create>[1]>();

  constructor(
    readonly uri: string,
    options: RestStoreOptions = {},
  ) {
    this.warn = options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    this.client = new MlflowRestClient(uri, {
      onRetry: (r) => this.warn(`tracking server ${uri}: ${r.endpoint} failed (${r.reason}); retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s`),
      ...options,
    });
    this.spoolDir = options.spoolDir ?? resolveSpoolDir(process.cwd(), options.env ?? process.env);
    this.reconnectMs = options.reconnectMs ?? 30_000;
    this.probeClient = new MlflowRestClient(uri, { ...options, retry: { maxRetries: 0, requestTimeoutMs: 5000 } });
  }

  /** The id to use on the server for a run id handed out by this store. */
  private id(runId: string): string {
    return this.alias.get(runId) ?? runId;
  }

  /**
   * The factory of the `http` and `https` schemes (see open-store.ts). A read-only opening (`workbench runs`,
   * reports) retries twice only: someone is waiting at a terminal, and a read has nothing to spool.
   */
  static open(ctx: { uri: string; env: Record<string, string | undefined>; cwd: string; readOnly?: boolean }): RestStore {
    return new RestStore(ctx.uri, { env: ctx.env, spoolDir: resolveSpoolDir(ctx.cwd, ctx.env), ...(ctx.readOnly ? { retry: { maxRetries: 2, initialDelayMs: 500 } } : {}) });
  }

  // --- experiments ------------------------------------------------------------------------------------

  async getOrCreateExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    if (await this.serverUsable()) {
      try {
        return toExperiment(await this.client.getOrCreateExperiment(name, { tags }));
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        this.markDown();
        this.warn(`tracking server ${this.uri} is unreachable (${e.reason}); experiment '${name}' will be resolved when the spool is replayed`);
      }
    }
    return { experimentId: `${OFFLINE_EXPERIMENT}${name}`, name, artifactLocation: '', lifecycleStage: 'active', tags: tags ?? {} };
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return toExperiment(await notFound(this.client.getExperiment(experimentId), `experiment ${experimentId}`));
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const e = await this.client.getExperimentByName(name);
    return e ? toExperiment(e) : undefined;
  }

  async listExperiments(viewType: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return (await this.client.searchExperiments({ view_type: viewType })).map(toExperiment);
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value);
    await this.client.setExperimentTag(experimentId, key, value);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await notFound(this.client.deleteExperiment(experimentId), `experiment ${experimentId}`);
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await notFound(this.client.restoreExperiment(experimentId), `experiment ${experimentId}`);
  }

  // --- runs -------------------------------------------------------------------------------------------

  async createRun(options: CreateRunOptions): Promise<Run> {
    const tags: Record<string, string> = { ...(options.tags ?? {}) };
    let experimentId = options.experimentId;
    // A parent created offline is replayed first when possible, so the child points at its server id.
    let parentRunId = options.parentRunId === undefined ? undefined : this.id(options.parentRunId);
    if (parentRunId !== undefined && this.offline.has(parentRunId) && (await this.serverUsable())) {
      await this.replay(parentRunId);
      parentRunId = this.id(parentRunId);
    }
    const parentOffline = parentRunId !== undefined && this.offline.has(parentRunId) && this.localHeaders.has(parentRunId);
    if (parentRunId !== undefined) tags[MLFLOW_TAGS.parentRunId] = parentRunId;
    if (experimentId.startsWith(OFFLINE_EXPERIMENT) && !parentOffline && (await this.serverUsable())) {
      experimentId = (await this.getOrCreateExperiment(experimentId.slice(OFFLINE_EXPERIMENT.length))).experimentId;
    }
    const runName = options.runName ?? tags[MLFLOW_TAGS.runName];
    const request: Omit<CreateRunRequest, 'experiment_id'> = { start_time: options.startTime ?? Date.now(), tags: Object.entries(tags).map(([key, value]) => ({ key, value })) };
    if (runName !== undefined) request.run_name = runName;
    if (options.userId !== undefined) request.user_id = options.userId;
    const createKey = randomUUID();
    const offlineExperiment = experimentId.startsWith(OFFLINE_EXPERIMENT);
    if (!offlineExperiment && !parentOffline && (await this.serverUsable())) {
      try {
        const run = await this.client.createRun({ ...request, experiment_id: experimentId }, createKey);
        this.artifactUris.set(run.info.run_id, run.info.artifact_uri ?? '');
        this.createKeys.set(run.info.run_id, createKey);
        return toRun(run);
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        this.markDown();
      }
    }
    // Offline: a local run id; the spool holds the create request and its idempotency key.
    const localRunId = randomUUID().replace(/-/g, '');
    const header = {
      trackingUri: this.uri,
      localRunId,
      createKey,
      ...(offlineExperiment ? { experimentName: experimentId.slice(OFFLINE_EXPERIMENT.length) } : { experimentId }),
      create: request,
    };
    const spool = SpoolFile.create(this.spoolDir, header);
    this.offline.set(localRunId, spool);
    this.localHeaders.set(localRunId, header);
    this.warn(`tracking server ${this.uri} is unreachable; run ${localRunId} is spooled to ${spool.path} (replay: workbench tracking sync)`);
    const info: RunInfo = {
      runId: localRunId,
      experimentId,
      runName: runName ?? '',
      userId: options.userId ?? '',
      status: 'RUNNING',
      startTime: request.start_time!,
      endTime: null,
      artifactUri: `spool:${spool.path}`,
      lifecycleStage: 'active',
    };
    this.offlineInfo.set(localRunId, info);
    return { info, data: { params: {}, tags, metrics: [] }, inputs: [] };
  }

  async updateRun(handle: string, update: RunUpdate): Promise<RunInfo> {
    const runId = this.id(handle);
    const op: Extract<SpoolOp, { op: 'update' }> = { op: 'update' };
    if (update.status !== undefined) op.status = update.status;
    if (update.endTime !== undefined) op.end_time = update.endTime;
    if (update.runName !== undefined) op.run_name = update.runName;
    let info: RunInfo | undefined;
    await this.write(
      runId,
      async () => {
        const { op: _op, ...fields } = op;
        info = toRunInfo(await notFound(this.client.updateRun({ run_id: runId, ...fields }), `run ${runId}`));
      },
      op,
    );
    if (info) return info;
    const local = this.localInfo(runId, update);
    if (update.status !== undefined && TERMINAL_STATUSES.includes(update.status)) {
      // The run is over: one last attempt now, whatever the probe timer says.
      if (await this.serverUsable(true)) await this.replay(runId);
      if (this.offline.has(runId)) this.warn(`run ${runId} stays in ${this.offline.get(runId)!.path}; replay it with: workbench tracking sync`);
    }
    return local;
  }

  async getRun(handle: string): Promise<Run> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    const run = await notFound(this.client.getRun(runId), `run ${runId}`);
    this.artifactUris.set(runId, run.info.artifact_uri ?? '');
    return toRun(run);
  }

  async searchRuns(search: RunSearch): Promise<RunPage> {
    const { filter, statuses } = toFilter(search);
    const page = await this.client.searchRuns({
      experiment_ids: search.experimentIds,
      ...(filter ? { filter } : {}),
      run_view_type: search.viewType ?? 'ACTIVE_ONLY',
      max_results: search.maxResults ?? 1000,
      ...(search.pageToken ? { page_token: search.pageToken } : {}),
    });
    const runs = (page.runs ?? []).map(toRun).filter((r) => !statuses || statuses.includes(r.info.status));
    return page.next_page_token ? { runs, nextPageToken: page.next_page_token } : { runs };
  }

  async deleteRun(handle: string): Promise<void> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    await notFound(this.client.deleteRun(runId), `run ${runId}`);
  }

  async restoreRun(handle: string): Promise<void> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    await notFound(this.client.restoreRun(runId), `run ${runId}`);
  }

  // --- logging ----------------------------------------------------------------------------------------

  async logBatch(handle: string, batch: LogBatch): Promise<void> {
    const runId = this.id(handle);
    validateBatch(batch);
    const content = {
      metrics: (batch.metrics ?? []).map(toRestMetric),
      params: (batch.params ?? []).map((p): RestKeyValue => ({ key: p.key, value: p.value })),
      tags: (batch.tags ?? []).map((t): RestKeyValue => ({ key: t.key, value: t.value })),
    };
    const op: SpoolOp = { op: 'batch' };
    if (content.metrics.length) op.metrics = content.metrics;
    if (content.params.length) op.params = content.params;
    if (content.tags.length) op.tags = content.tags;
    await this.write(runId, () => invalidParam(this.client.logBatch(runId, content), runId), op);
  }

  async deleteTag(handle: string, key: string): Promise<void> {
    const runId = this.id(handle);
    await this.write(runId, () => notFound(this.client.deleteTag(runId, key), `tag '${key}' of run ${runId}`), { op: 'deleteTag', key });
  }

  async logInputs(handle: string, inputs: DatasetInput[]): Promise<void> {
    const runId = this.id(handle);
    const datasets = inputs.map(toRestDatasetInput);
    await this.write(runId, () => this.client.logInputs(runId, datasets), { op: 'inputs', datasets });
  }

  async getMetricHistory(handle: string, key: string): Promise<MetricPoint[]> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    const points = (await notFound(this.client.getMetricHistory(runId, key), `run ${runId}`)).map(toMetricPoint);
    return points.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  // --- artifacts --------------------------------------------------------------------------------------

  async putArtifact(handle: string, artifactPath: string, data: Uint8Array | string): Promise<void> {
    const runId = this.id(handle);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const contentType = contentTypeOf(artifactPath);
    await this.write(
      runId,
      async () => this.client.uploadArtifact(await this.artifactUri(runId), artifactPath, bytes, contentType),
      (spool) => spool.artifactOp(artifactPath, contentType, bytes),
    );
  }

  async putArtifactFile(runId: string, localPath: string, artifactDir?: string): Promise<void> {
    const name = basename(localPath);
    await this.putArtifact(runId, artifactDir ? posix.join(artifactDir, name) : name, readLocal(localPath));
  }

  async putArtifactDir(runId: string, localDir: string, artifactDir?: string): Promise<void> {
    for (const entry of readdirSync(localDir).sort()) {
      const local = join(localDir, entry);
      const target = artifactDir ? posix.join(artifactDir, entry) : entry;
      if (statSync(local).isDirectory()) await this.putArtifactDir(runId, local, target);
      else await this.putArtifact(runId, target, readLocal(local));
    }
  }

  async listArtifacts(handle: string, path = ''): Promise<ArtifactEntry[]> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    const files = await notFound(this.client.listArtifacts(runId, path), `run ${runId}`);
    return files.map((f) => (f.file_size !== undefined ? { path: f.path, isDir: f.is_dir, fileSize: f.file_size } : { path: f.path, isDir: f.is_dir }));
  }

  async getArtifact(handle: string, artifactPath: string): Promise<Uint8Array> {
    const runId = this.id(handle);
    this.refuseOffline(runId);
    return notFound(this.client.downloadArtifact(await this.artifactUri(runId), artifactPath), `artifact '${artifactPath}' of run ${runId}`);
  }

  async close(): Promise<void> {
    this.offline.clear();
  }

  // --- offline mode -----------------------------------------------------------------------------------

  /** Online: `online()`; once the server stayed unreachable, or for a run already offline: the spool. */
  private async write(runId: string, online: () => Promise<unknown>, spoolOp: SpoolOp | ((spool: SpoolFile) => SpoolOp)): Promise<void> {
    const opFor = (spool: SpoolFile): SpoolOp => (typeof spoolOp === 'function' ? spoolOp(spool) : spoolOp);
    const spooled = this.liveSpool(runId);
    if (spooled) {
      const op = opFor(spooled);
      this.checkSpooledParams(runId, op);
      spooled.append(op);
      // Durable first; then, if the server is back, the whole spool is replayed and the run goes on online.
      if (op.op !== 'update' && (await this.serverUsable())) await this.replay(runId);
      return;
    }
    let reason = 'it did not answer a moment ago';
    if (await this.serverUsable()) {
      try {
        await online();
        return;
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        this.markDown();
        reason = e.reason;
      }
    }
    const spool = SpoolFile.create(this.spoolDir, {
      trackingUri: this.uri,
      localRunId: runId,
      serverRunId: runId,
      createKey: this.createKeys.get(runId) ?? randomUUID(),
    });
    this.offline.set(runId, spool);
    this.warn(`tracking server ${this.uri} is unreachable (${reason}); run ${runId} continues in ${spool.path} (replay: workbench tracking sync)`);
    const op = opFor(spool);
    this.checkSpooledParams(runId, op);
    spool.append(op);
  }

  /** Whether to talk to the server now: yes unless it was found down and the next probe is not due (or fails). */
  private async serverUsable(force = false): Promise<boolean> {
    if (!this.serverDown) return true;
    if (!force && Date.now() < this.nextProbeAt) return false;
    this.nextProbeAt = Date.now() + this.reconnectMs;
    try {
      await this.probeClient.transport.request({ method: 'GET', path: '/health' });
    } catch {
      return false;
    }
    this.serverDown = false;
    this.warn(`tracking server ${this.uri} answers again`);
    return true;
  }

  private markDown(): void {
    this.serverDown = true;
    this.nextProbeAt = Date.now() + this.reconnectMs;
  }

  /**
   * The spool of an offline run. When `workbench tracking sync` replayed it meanwhile (the file became
   * `.synced`), a run the server knows goes back online; a run created offline starts a new spool with the same
   * create key, which the next sync appends to the run the first one created.
   */
  private liveSpool(runId: string): SpoolFile | undefined {
    const spool = this.offline.get(runId);
    if (!spool || existsSync(spool.path)) return spool;
    const header = this.localHeaders.get(runId);
    if (!header) {
      this.offline.delete(runId);
      return undefined;
    }
    const fresh = SpoolFile.create(this.spoolDir, header);
    this.offline.set(runId, fresh);
    return fresh;
  }

  /** Params are immutable: while spooling, the store refuses a changed one as the server would. */
  private checkSpooledParams(runId: string, op: SpoolOp): void {
    if (op.op !== 'batch' || !op.params) return;
    let known = this.spooledParams.get(runId);
    if (!known) this.spooledParams.set(runId, (known = new Map()));
    for (const p of op.params) {
      const old = known.get(p.key);
      if (old !== undefined && old !== p.value) throw paramChangedError(runId, p.key, old, p.value);
    }
    for (const p of op.params) known.set(p.key, p.value);
  }

  /**
   * Replays an offline run's spool (idempotent, see spool-sync.ts). On success the run is online again, under
   * its server id (an alias when it was created offline); on failure it stays offline.
   */
  private async replay(runId: string): Promise<void> {
    const spool = this.offline.get(runId);
    if (!spool || !existsSync(spool.path)) return;
    const report = await syncSpoolFile(SpoolFile.read(spool.path), this.client, this.alias);
    if (!report.ok) {
      this.markDown();
      return;
    }
    markSynced(spool.path, report.serverRunId!);
    this.offline.delete(runId);
    this.localHeaders.delete(runId);
    this.spooledParams.delete(runId);
    if (report.serverRunId !== runId) this.alias.set(runId, report.serverRunId!);
    this.warn(`run ${runId} replayed to ${this.uri}${report.serverRunId !== runId ? ` as run ${report.serverRunId}` : ''} (${report.metricsSent} metric points); it continues online`);
  }

  private localInfo(runId: string, update: RunUpdate): RunInfo {
    const base: RunInfo = this.offlineInfo.get(runId) ?? {
      runId,
      experimentId: '',
      runName: '',
      userId: '',
      status: 'RUNNING',
      startTime: 0,
      endTime: null,
      artifactUri: '',
      lifecycleStage: 'active',
    };
    const info: RunInfo = { ...base, ...(update.status ? { status: update.status } : {}), ...(update.endTime !== undefined ? { endTime: update.endTime } : {}) };
    if (update.runName !== undefined) info.runName = update.runName;
    this.offlineInfo.set(runId, info);
    return info;
  }

  private refuseOffline(runId: string): void {
    const spool = this.liveSpool(runId);
    if (spool) {
      throw new WorkbenchError('TRACKING_REQUEST', `run ${runId} is in the local spool ${spool.path}, not yet on ${this.uri}`, {
        where: { source: this.uri },
        hint: 'replay it with: workbench tracking sync',
      });
    }
  }

  private async artifactUri(runId: string): Promise<string> {
    const known = this.artifactUris.get(runId);
    if (known !== undefined) return known;
    const run = await notFound(this.client.getRun(runId), `run ${runId}`);
    this.artifactUris.set(runId, run.info.artifact_uri ?? '');
    return run.info.artifact_uri ?? '';
  }
}

function isUnreachable(e: unknown): e is MlflowRestError {
  return e instanceof MlflowRestError && e.unreachable;
}

/** The store contract's TRACKING_NOT_FOUND for the server's RESOURCE_DOES_NOT_EXIST (status and code kept in details). */
async function notFound<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (!isMlflowRestError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
    throw new WorkbenchError('TRACKING_NOT_FOUND', `${what} does not exist on ${e.where?.source ?? 'the tracking server'}: ${e.reason}`, {
      where: e.where,
      cause: e,
      details: e.details,
    });
  }
}

/** A param logged again with another value: TRACKING_INVALID (the server says 400 or, FileStore-backed, 500). */
async function invalidParam(p: Promise<void>, runId: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MlflowRestError && /Changing param values is not allowed/.test(e.reason)) {
      const key = /key'?[=:] ?'([^']+)'/.exec(e.reason)?.[1];
      throw new WorkbenchError('TRACKING_INVALID', `run ${runId}: ${key ? `param '${key}' ` : 'a param '}was already logged with another value (${e.reason.replace(/^.*?: HTTP [^:]*: /, '')})`, {
        where: { ...e.where, ...(key ? { path: key } : {}) },
        cause: e,
        details: e.details,
        hint: 'params are immutable in MLflow: log the new value under another key, or start a new run',
      });
    }
    throw e;
  }
}

function readLocal(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new WorkbenchError('IO', `cannot read artifact file ${path}: ${(e as Error).message}`, { where: { file: path }, cause: e });
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.yaml': 'text/yaml',
  '.diff': 'text/x-diff',
};

function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
