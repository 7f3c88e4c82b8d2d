import os from 'node:os';
import type { TrackingStore } from './store.ts';

/** The tags a live run refreshes so that a later reader can tell a running run from a dead one. */
export const HEARTBEAT_TAGS = {
  heartbeat: 'workbench.heartbeat',
  intervalMs: 'workbench.heartbeat_interval_ms',
  pid: 'workbench.pid',
  host: 'workbench.host',
  failure: 'workbench.failure',
} as const;

export interface MarkDeadRunsOptions {
  /** Default: every experiment of the store. */
  experimentIds?: string[];
  now?: number;
  /** A heartbeat older than this many intervals means the process is gone. Default 3. */
  missedBeats?: number;
}

export interface DeadRun {
  runId: string;
  experimentId: string;
  lastHeartbeat: number;
  reason: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks RUNNING runs whose process died (SIGKILL, OOM, power loss) as FAILED, with end time = last heartbeat and
 * a `workbench.failure` tag saying why. A run is dead when its process is known gone on this host, or when its
 * heartbeat is older than `missedBeats` intervals. Runs without a heartbeat (not ours) are left alone.
 */
export async function markDeadRuns(store: TrackingStore, options: MarkDeadRunsOptions = {}): Promise<DeadRun[]> {
  const now = options.now ?? Date.now();
  const missed = options.missedBeats ?? 3;
  const experimentIds = options.experimentIds ?? (await store.listExperiments('ACTIVE_ONLY')).map((e) => e.experimentId);
  const dead: DeadRun[] = [];
  if (experimentIds.length === 0) return dead;
  const host = os.hostname();
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns({ experimentIds, statuses: ['RUNNING'], pageToken });
    for (const run of page.runs) {
      const tags = run.data.tags;
      const beat = Number(tags[HEARTBEAT_TAGS.heartbeat]);
      if (!Number.isFinite(beat)) continue;
      const interval = Number(tags[HEARTBEAT_TAGS.intervalMs]) || 30_000;
      const pid = Number(tags[HEARTBEAT_TAGS.pid]);
      let reason: string | undefined;
      if (tags[HEARTBEAT_TAGS.host] === host && Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
        reason = `process ${pid} on ${host} is gone`;
      } else if (now - beat > missed * interval) {
        reason = `no heartbeat for ${Math.round((now - beat) / 1000)} s (interval ${Math.round(interval / 1000)} s)`;
      }
      if (reason === undefined) continue;
      const text = `run died without ending: ${reason}; last heartbeat ${new Date(beat).toISOString()}`;
      await store.logBatch(run.info.runId, { tags: [{ key: HEARTBEAT_TAGS.failure, value: text }] });
      await store.updateRun(run.info.runId, { status: 'FAILED', endTime: beat });
      dead.push({ runId: run.info.runId, experimentId: run.info.experimentId, lastHeartbeat: beat, reason: text });
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return dead;
}
