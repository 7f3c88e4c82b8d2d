import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { WorkbenchError } from './errors.ts';
import type { DatasetInput, MetricPoint, ParamValue, RunLogger, RunStatus } from './run-logger.ts';

/**
 * A RunLogger that keeps everything in memory: for tests and untracked runs. It applies MLflow's
 * param rule (re-logging a param with a different value is an error) so tests catch what a store would reject.
 */
export class MemoryRunLogger implements RunLogger {
  readonly runId: string;
  readonly experimentId: string;
  readonly params = new Map<string, string>();
  readonly metrics: MetricPoint[] = [];
  readonly tags = new Map<string, string>();
  readonly artifacts = new Map<string, Uint8Array>();
  readonly inputs: DatasetInput[] = [];
  readonly children: MemoryRunLogger[] = [];
  status: RunStatus = 'RUNNING';
  /** Called on every metric point: lets a CLI print progress. */
  onMetric: ((point: MetricPoint) => void) | undefined;

  constructor(
    readonly runName = 'run',
    experimentId = '0',
  ) {
    this.runId = randomBytes(16).toString('hex');
    this.experimentId = experimentId;
  }

  async logParams(params: Record<string, ParamValue>): Promise<void> {
    for (const [k, v] of Object.entries(params)) {
      const value = String(v);
      const old = this.params.get(k);
      if (old !== undefined && old !== value) {
        throw new WorkbenchError('TRACKING_INVALID', `param '${k}' was already logged as '${old}' and cannot change to '${value}'`);
      }
      this.params.set(k, value);
    }
  }

  async logMetric(key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    const point = { key, value, step, timestamp };
    this.metrics.push(point);
    this.onMetric?.(point);
  }

  async logMetrics(metrics: Record<string, number>, step = 0, timestamp = Date.now()): Promise<void> {
    for (const [k, v] of Object.entries(metrics)) await this.logMetric(k, v, step, timestamp);
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(tags)) this.tags.set(k, v);
  }

  async logArtifactBytes(artifactPath: string, data: Uint8Array | string): Promise<void> {
    this.artifacts.set(artifactPath, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  async logArtifactFile(localPath: string, artifactDir?: string): Promise<void> {
    const name = basename(localPath);
    this.artifacts.set(artifactDir ? `${artifactDir}/${name}` : name, new Uint8Array(await readFile(localPath)));
  }

  async logArtifactDir(localDir: string, artifactDir?: string): Promise<void> {
    for (const entry of await readdir(localDir, { withFileTypes: true })) {
      const sub = artifactDir ? `${artifactDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.logArtifactDir(join(localDir, entry.name), sub);
      else this.artifacts.set(sub, new Uint8Array(await readFile(join(localDir, entry.name))));
    }
  }

  async logInputs(inputs: DatasetInput[]): Promise<void> {
    this.inputs.push(...inputs);
  }

  async startChild(runName: string, tags: Record<string, string> = {}): Promise<RunLogger> {
    const child = new MemoryRunLogger(runName, this.experimentId);
    child.onMetric = this.onMetric;
    await child.setTags({ ...tags, 'mlflow.parentRunId': this.runId });
    this.children.push(child);
    return child;
  }

  async flush(): Promise<void> {}

  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>): Promise<void> {
    this.status = status;
  }

  /** The history of one metric, in logging order. */
  history(key: string): MetricPoint[] {
    return this.metrics.filter((m) => m.key === key);
  }

  /** The last value logged for each metric key. */
  latest(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.metrics) out[m.key] = m.value;
    return out;
  }

  artifactText(path: string): string {
    const a = this.artifacts.get(path);
    if (!a) throw new WorkbenchError('TRACKING_NOT_FOUND', `no artifact '${path}' in run ${this.runId}`);
    return new TextDecoder().decode(a);
  }
}
