import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { isMlflowRestError } from './mlflow-rest-error.ts';
import type { RestKeyValue, RestMetric } from './mlflow-rest-types.ts';
import type { RestTransportOptions } from './rest-transport.ts';
import { SpoolFile, type SpoolContent } from './spool.ts';

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
}

export interface SpoolSyncOptions extends RestTransportOptions {
  /** Replay to this server instead of the one each file names (`--tracking-uri`). */
  uri?: string;
  /** Rename a replayed file to `.jsonl.synced` (default true). */
  markSynced?: boolean;
}

/**
 * Replays one spool file. Idempotent, so replaying twice (or after a crash mid-replay) logs everything once:
 * the run is found by its create key before being created; metric points the server already holds are
 * dropped (one get-history per key); params re-logged with the same value, tags, dataset inputs, artifact
 * uploads and status updates are idempotent on the server.
 */
export async function syncSpoolFile(content: SpoolContent, client: MlflowRestClient): Promise<SpoolSyncReport> {
  const { header, ops } = content;
  const report: SpoolSyncReport = { file: content.path, uri: client.uri, localRunId: header.localRunId, ok: false, metricsSent: 0, metricsAlreadyPresent: 0 };
  try {
    let runId = header.serverRunId;
    let artifactUri: string | undefined;
    if (runId === undefined) {
      const experimentId = header.experimentId ?? (await client.getOrCreateExperiment(header.experimentName ?? 'Default')).experiment_id;
      const run = (await client.findRunByCreateKey(experimentId, header.createKey)) ?? (await client.createRun({ ...header.create, experiment_id: experimentId }, header.createKey));
      runId = run.info.run_id;
      artifactUri = run.info.artifact_uri;
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
        await client.uploadArtifact(artifactUri, op.path, Buffer.from(op.base64, 'base64'), op.contentType);
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

/** Replays every `*.jsonl` of the spool folder, oldest first; replayed files become `*.jsonl.synced`. */
export async function syncSpool(dir: string, options: SpoolSyncOptions = {}): Promise<SpoolSyncReport[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const clients = new Map<string, MlflowRestClient>();
  const reports: SpoolSyncReport[] = [];
  for (const f of files) {
    const path = join(dir, f);
    let content: SpoolContent;
    try {
      content = SpoolFile.read(path);
    } catch (e) {
      reports.push({ file: path, uri: options.uri ?? '', localRunId: f.replace(/\.jsonl$/, ''), ok: false, metricsSent: 0, metricsAlreadyPresent: 0, error: (e as Error).message });
      continue;
    }
    const uri = options.uri ?? content.header.trackingUri;
    let client = clients.get(uri);
    if (!client) {
      client = new MlflowRestClient(uri, options);
      clients.set(uri, client);
    }
    const report = await syncSpoolFile(content, client);
    if (report.ok && options.markSynced !== false) renameSync(path, syncedName(path));
    reports.push(report);
  }
  return reports;
}

/** `<file>.synced`, or `<file>.synced.<n>` when a run was spooled and replayed more than once. */
export function syncedName(path: string): string {
  let name = `${path}.synced`;
  for (let n = 2; existsSync(name); n++) name = `${path}.synced.${n}`;
  return name;
}
