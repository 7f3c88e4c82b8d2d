import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { isMlflowRestError } from './mlflow-rest-error.ts';
import type { RestKeyValue, RestMetric } from './mlflow-rest-types.ts';
import type { RestTransportOptions } from './rest-transport.ts';
import { SpoolFile, spooledArtifactBytes, spoolWriterAlive, type SpoolContent } from './spool.ts';

/** What replaying one spool file did. */
export interface SpoolSyncReport {
  file: string;
  uri: string;
  localRunId: string;
  /** The run on the server (undefined when the replay failed before it was known). */
  serverRunId?: string;
  ok: boolean;
  metricsSent: number;
  /** Points the server already held (sent before the outage, or by an earlier replay): not sent again. */
  metricsAlreadyPresent: number;
  error?: string;
  /** Why the file was left alone (a live process is still writing it). */
  skipped?: string;
}

export interface SpoolSyncOptions extends RestTransportOptions {
  /** Replay to this server instead of the one each file names (`--tracking-uri`). */
  uri?: string;
  /** Rename a replayed file to `.jsonl.synced` (default true). */
  markSynced?: boolean;
  /** Also replay spools a live process is still writing (default false: that process replays them itself). */
  includeLive?: boolean;
}

/**
 * Replays one spool file. Idempotent, so replaying twice (or after a crash mid-replay) logs everything once:
 * the run is found by its create key before being created; metric points the server already holds are
 * dropped (one get-history per key); params re-logged with the same value, tags, dataset inputs, artifact
 * uploads and status updates are idempotent on the server.
 */
export async function syncSpoolFile(content: SpoolContent, client: MlflowRestClient, idMap: Map<string, string> = new Map()): Promise<SpoolSyncReport> {
  const { header, ops } = content;
  const report: SpoolSyncReport = { file: content.path, uri: client.uri, localRunId: header.localRunId, ok: false, metricsSent: 0, metricsAlreadyPresent: 0 };
  try {
    let runId = header.serverRunId;
    let artifactUri: string | undefined;
    if (runId === undefined) {
      const experimentId = header.experimentId ?? (await client.getOrCreateExperiment(header.experimentName ?? 'Default')).experiment_id;
      // A child of a run that was itself created offline points at the parent's server id.
      const tags = (header.create?.tags ?? []).map((t) => (t.key === 'mlflow.parentRunId' && idMap.has(t.value) ? { key: t.key, value: idMap.get(t.value)! } : t));
      const run =
        (await client.findRunByCreateKey(experimentId, header.createKey)) ?? (await client.createRun({ ...header.create, tags, experiment_id: experimentId }, header.createKey));
      runId = run.info.run_id;
      artifactUri = run.info.artifact_uri;
      idMap.set(header.localRunId, runId);
    }
    report.serverRunId = runId;
    const metrics: RestMetric[] = [];
    // Params and tags of consecutive batches are coalesced (a heartbeat tag spooled every 30 s for hours
    // becomes one value); the pending ones are sent before any other operation, so order is kept.
    let params: RestKeyValue[] = [];
    let tags: RestKeyValue[] = [];
    const flush = async (): Promise<void> => {
      // The store refuses a changed param while spooling; should a file still hold one, the first value wins, as on the server.
      const firstParams = [...new Map(params.reverse().map((p) => [p.key, p])).values()].reverse();
      if (firstParams.length || tags.length) await client.logBatch(runId!, { params: firstParams, tags });
      params = [];
      tags = [];
    };
    for (const op of ops) {
      if (op.op === 'batch') {
        metrics.push(...(op.metrics ?? []));
        params.push(...(op.params ?? []));
        tags.push(...(op.tags ?? []));
        continue;
      }
      await flush();
      if (op.op === 'inputs') await client.logInputs(runId, op.datasets);
      else if (op.op === 'deleteTag') {
        await client.deleteTag(runId, op.key).catch((e: unknown) => {
          if (!isMlflowRestError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
        });
      } else if (op.op === 'artifact') {
        artifactUri ??= (await client.getRun(runId)).info.artifact_uri ?? '';
        await client.uploadArtifact(artifactUri, op.path, spooledArtifactBytes(content.path, op), op.contentType);
      }
    }
    await flush();
    const missing = metrics.length ? await client.missingMetricPoints(runId, metrics) : [];
    report.metricsAlreadyPresent = metrics.length - missing.length;
    if (missing.length) await client.logBatch(runId, { metrics: missing });
    report.metricsSent = missing.length;
    // Status last, so nobody sees a FINISHED run whose metrics are still coming.
    for (const op of ops) if (op.op === 'update') await client.updateRun({ run_id: runId, status: op.status, end_time: op.end_time, run_name: op.run_name });
    report.ok = true;
  } catch (e) {
    report.error = (e as Error).message;
  }
  return report;
}

/**
 * Replays every `*.jsonl` of the spool folder, in the order the runs were started (a parent before its
 * children); replayed files become `*.jsonl.synced`. Local run ids of runs replayed earlier are read back from
 * the `.synced` files, so a child spooled under an offline parent finds the parent's server id.
 */
export async function syncSpool(dir: string, options: SpoolSyncOptions = {}): Promise<SpoolSyncReport[]> {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).sort();
  const idMap = new Map<string, string>();
  for (const f of names.filter((n) => /\.jsonl\.synced(\.\d+)?$/.test(n))) {
    try {
      const done = SpoolFile.read(join(dir, f));
      const synced = done.ops.find((o) => o.op === 'synced');
      if (synced?.op === 'synced') idMap.set(done.header.localRunId, synced.serverRunId);
    } catch {
      /* an unreadable old file only loses its id mapping */
    }
  }
  const clients = new Map<string, MlflowRestClient>();
  const reports: SpoolSyncReport[] = [];
  const pending: SpoolContent[] = [];
  for (const f of names.filter((n) => n.endsWith('.jsonl'))) {
    const path = join(dir, f);
    try {
      pending.push(SpoolFile.read(path));
    } catch (e) {
      reports.push({ file: path, uri: options.uri ?? '', localRunId: f.replace(/\.jsonl$/, ''), ok: false, metricsSent: 0, metricsAlreadyPresent: 0, error: (e as Error).message });
    }
  }
  pending.sort((a, b) => a.header.createdAt - b.header.createdAt);
  for (const content of pending) {
    const path = content.path;
    const uri = options.uri ?? content.header.trackingUri;
    if (!options.includeLive && spoolWriterAlive(content.header)) {
      // Replaying now could miss a line the writer appends before the rename; it replays itself when it can.
      const h = content.header;
      reports.push({ file: path, uri, localRunId: h.localRunId, ok: true, metricsSent: 0, metricsAlreadyPresent: 0, skipped: `process ${h.pid} on ${h.host} is still writing it` });
      continue;
    }
    let client = clients.get(uri);
    if (!client) {
      client = new MlflowRestClient(uri, options);
      clients.set(uri, client);
    }
    const report = await syncSpoolFile(content, client, idMap);
    if (report.ok && options.markSynced !== false) markSynced(path, report.serverRunId!);
    reports.push(report);
  }
  return reports;
}

/**
 * Closes a replayed spool: records the run's server id in it, then renames it `<file>.synced` (or
 * `.synced.<n>` when the run was spooled and replayed more than once).
 */
export function markSynced(path: string, serverRunId: string): void {
  SpoolFile.open(path).append({ op: 'synced', serverRunId, at: Date.now() });
  let name = `${path}.synced`;
  for (let n = 2; existsSync(name); n++) name = `${path}.synced.${n}`;
  renameSync(path, name);
}
