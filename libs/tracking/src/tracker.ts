import os from 'node:os';
import { openStore, type OpenStoreOptions } from './open-store.ts';
import { HEARTBEAT_TAGS } from './heartbeat.ts';
import { trackSignals } from './run-signals.ts';
import type { Experiment, RunInfo, TrackingStore } from './store.ts';
import { MLFLOW_TAGS } from './store.ts';
import { StoreRunLogger } from './store-run-logger.ts';

export interface TrackerOptions {
  /** How often a running run refreshes its `workbench.heartbeat` tag; 0 = never. Default 30 s. */
  heartbeatMs?: number;
  /**
   * End open runs as KILLED (after flushing) on SIGINT/SIGTERM, then exit 130/143. Default false: a CLI turns it
   * on; tests and libraries that own the process's signals leave it off.
   */
  handleSignals?: boolean;
  /** The `user_id` of new runs; default the OS user as MLflow reads it (USER/LOGNAME, then the account). */
  userId?: string;
}

export interface StartRunOptions {
  /** Experiment name (created if missing); default 'Default'. Ignored when `experimentId` is given. */
  experiment?: string;
  experimentId?: string;
  runName?: string;
  tags?: Record<string, string>;
  parentRunId?: string;
  startTime?: number;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;

export function defaultUserId(env: Record<string, string | undefined> = process.env): string {
  for (const k of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const v = env[k];
    if (v) return v;
  }
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Opens experiments and runs on a store and hands out RunLoggers (with heartbeat and child runs). */
export class Tracker {
  private readonly heartbeatMs: number;
  private readonly handleSignals: boolean;
  private readonly userId: string;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly store: TrackingStore,
    options: TrackerOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.handleSignals = options.handleSignals ?? false;
    this.userId = options.userId ?? defaultUserId();
  }

  /** A Tracker on the store named by `--tracking-uri` / MLFLOW_TRACKING_URI / the default. */
  static async open(options: OpenStoreOptions & TrackerOptions = {}): Promise<Tracker> {
    return new Tracker(await openStore(options), options);
  }

  experiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    return this.store.getOrCreateExperiment(name, tags);
  }

  async startRun(options: StartRunOptions = {}): Promise<StoreRunLogger> {
    const experimentId = options.experimentId ?? (await this.experiment(options.experiment ?? 'Default')).experimentId;
    const tags: Record<string, string> = { [MLFLOW_TAGS.user]: this.userId, ...options.tags };
    Object.assign(tags, this.heartbeatTags());
    const run = await this.store.createRun({
      experimentId,
      runName: options.runName,
      startTime: options.startTime,
      tags,
      userId: this.userId,
      parentRunId: options.parentRunId,
    });
    return this.attach(run.info);
  }

  /**
   * Continues an existing run (MLflow's `start_run(run_id=...)`): status RUNNING again, end time cleared, a new
   * heartbeat. For a sweep resumed after a crash: its parent run gets the remaining cells as children.
   */
  async resumeRun(runId: string): Promise<StoreRunLogger> {
    const tags = Object.entries(this.heartbeatTags()).map(([key, value]) => ({ key, value }));
    if (tags.length > 0) await this.store.logBatch(runId, { tags });
    return this.attach(await this.store.updateRun(runId, { status: 'RUNNING' }));
  }

  /** The tags by which markDeadRuns tells a live run from a dead one (none when heartbeats are off). */
  private heartbeatTags(): Record<string, string> {
    if (this.heartbeatMs <= 0) return {};
    return {
      [HEARTBEAT_TAGS.heartbeat]: String(Date.now()),
      [HEARTBEAT_TAGS.intervalMs]: String(this.heartbeatMs),
      [HEARTBEAT_TAGS.pid]: String(process.pid),
      [HEARTBEAT_TAGS.host]: os.hostname(),
    };
  }

  private attach(info: RunInfo): StoreRunLogger {
    const logger = new StoreRunLogger(this.store, info, (parent, runName, childTags) =>
      this.startRun({ experimentId: parent.experimentId, runName, tags: childTags, parentRunId: parent.runId }),
    );
    if (this.heartbeatMs > 0) {
      const timer = setInterval(() => {
        // A failed beat only makes the run look dead sooner; it must never crash the run.
        logger.setTags({ [HEARTBEAT_TAGS.heartbeat]: String(Date.now()) }).catch(() => undefined);
      }, this.heartbeatMs);
      timer.unref();
      this.timers.add(timer);
      logger.onEnd(() => {
        clearInterval(timer);
        this.timers.delete(timer);
      });
    }
    if (this.handleSignals) logger.onEnd(trackSignals(logger));
    return logger;
  }

  /** Closes the store; runs not ended stay RUNNING (their heartbeat stops, so markDeadRuns will see them). */
  close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    return this.store.close();
  }
}
