import type { DatasetInput, ParamValue, RunLogger, RunStatus } from '@workbench/core';
import type { LogBatch, RunInfo, TrackingStore } from './store.ts';

/** Starts a child run of `parent` (the Tracker does it, so children get the same heartbeat and defaults). */
export type ChildStarter = (parent: StoreRunLogger, runName: string, tags: Record<string, string>) => Promise<RunLogger>;

/**
 * The RunLogger of one run in a TrackingStore. Calls are queued in order (a later call never overtakes an
 * earlier one, even if the caller does not await), and each call's promise resolves only once the store has
 * made it durable: an acknowledged metric point is never lost, whatever happens to the process afterwards.
 * A rejected call (invalid key, changed param) rejects only its own promise; the queue goes on.
 */
export class StoreRunLogger implements RunLogger {
  readonly runId: string;
  readonly experimentId: string;
  private queue: Promise<unknown> = Promise.resolve();
  private ended = false;
  private readonly endHooks: (() => void)[] = [];

  constructor(
    readonly store: TrackingStore,
    readonly info: RunInfo,
    private readonly startChildRun: ChildStarter,
  ) {
    this.runId = info.runId;
    this.experimentId = info.experimentId;
  }

  /** Whether `end` has been called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Called once when the run ends (stops heartbeats, removes signal handlers). */
  onEnd(hook: () => void): void {
    this.endHooks.push(hook);
  }

  /** Runs `op` after every earlier call; its result (or error) is the caller's alone. */
  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op);
    this.queue = result.catch(() => undefined);
    return result;
  }

  logBatch(batch: LogBatch): Promise<void> {
    return this.enqueue(() => this.store.logBatch(this.runId, batch));
  }

  logParams(params: Record<string, ParamValue>): Promise<void> {
    return this.logBatch({ params: Object.entries(params).map(([key, v]) => ({ key, value: String(v) })) });
  }

  logMetric(key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    return this.logBatch({ metrics: [{ key, value, step, timestamp }] });
  }

  logMetrics(metrics: Record<string, number>, step = 0, timestamp = Date.now()): Promise<void> {
    return this.logBatch({ metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })) });
  }

  setTags(tags: Record<string, string>): Promise<void> {
    return this.logBatch({ tags: Object.entries(tags).map(([key, value]) => ({ key, value: String(value) })) });
  }

  logArtifactBytes(artifactPath: string, data: Uint8Array | string): Promise<void> {
    return this.enqueue(() => this.store.putArtifact(this.runId, artifactPath, data));
  }

  logArtifactFile(localPath: string, artifactDir?: string): Promise<void> {
    return this.enqueue(() => this.store.putArtifactFile(this.runId, localPath, artifactDir));
  }

  logArtifactDir(localDir: string, artifactDir?: string): Promise<void> {
    return this.enqueue(() => this.store.putArtifactDir(this.runId, localDir, artifactDir));
  }

  logInputs(inputs: DatasetInput[]): Promise<void> {
    return this.enqueue(() => this.store.logInputs(this.runId, inputs));
  }

  startChild(runName: string, tags: Record<string, string> = {}): Promise<RunLogger> {
    return this.enqueue(() => this.startChildRun(this, runName, tags));
  }

  /** Waits for every queued call (their errors were already given to their callers). */
  async flush(): Promise<void> {
    await this.queue;
  }

  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime = Date.now()): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const hook of this.endHooks.splice(0)) hook();
    await this.flush();
    await this.enqueue(() => this.store.updateRun(this.runId, { status, endTime }));
  }
}
