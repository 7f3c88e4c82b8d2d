import { WorkbenchError, type MetricPoint, type RunStatus } from '@workbench/core';
import { openStore, type OpenStoreOptions } from './open-store.ts';
import type { ArtifactEntry, Experiment, Run, TrackingStore, ViewType } from './store.ts';
import { MLFLOW_TAGS } from './store.ts';

export interface FindRunsOptions {
  /** Experiment names or ids; default every active experiment. */
  experiments?: string[];
  tags?: Record<string, string>;
  params?: Record<string, string>;
  statuses?: RunStatus[];
  viewType?: ViewType;
  /** Stop after this many runs (default: all). */
  limit?: number;
}

/**
 * Read access for reports, resume and the CLI, over any store: experiments by name or id, runs found by
 * tag/param/status across pages (e.g. the run of a config hash), latest metrics, histories and artifacts.
 */
export class TrackingReader {
  constructor(readonly store: TrackingStore) {}

  static async open(options: string | OpenStoreOptions = {}): Promise<TrackingReader> {
    return new TrackingReader(await openStore(options));
  }

  experiments(viewType: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.store.listExperiments(viewType);
  }

  /** An experiment by name, or by id when no experiment has that name. */
  async experiment(nameOrId: string): Promise<Experiment> {
    const byName = await this.store.getExperimentByName(nameOrId);
    if (byName) return byName;
    if (/^\d+$/.test(nameOrId)) return this.store.getExperiment(nameOrId);
    const names = (await this.store.listExperiments('ALL')).map((e) => e.name);
    throw new WorkbenchError('TRACKING_NOT_FOUND', `no experiment named '${nameOrId}' in ${this.store.uri}; experiments: ${names.join(', ') || '(none)'}`);
  }

  /** Every matching run (all pages), newest first. */
  async findRuns(options: FindRunsOptions = {}): Promise<Run[]> {
    const experimentIds = options.experiments
      ? await Promise.all(options.experiments.map(async (e) => (await this.experiment(e)).experimentId))
      : (await this.store.listExperiments(options.viewType === 'DELETED_ONLY' ? 'ALL' : (options.viewType ?? 'ACTIVE_ONLY'))).map((e) => e.experimentId);
    const out: Run[] = [];
    if (experimentIds.length === 0) return out;
    let pageToken: string | undefined;
    do {
      const page = await this.store.searchRuns({
        experimentIds,
        tags: options.tags,
        params: options.params,
        statuses: options.statuses,
        viewType: options.viewType,
        pageToken,
      });
      out.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken && (options.limit === undefined || out.length < options.limit));
    return options.limit === undefined ? out : out.slice(0, options.limit);
  }

  /** The newest FINISHED run with this `workbench.config_hash` tag, if any (resume: skip what is done). */
  async findFinishedByConfigHash(configHash: string, experiments?: string[]): Promise<Run | undefined> {
    const runs = await this.findRuns({ experiments, tags: { 'workbench.config_hash': configHash }, statuses: ['FINISHED'], limit: 1 });
    return runs[0];
  }

  run(runId: string): Promise<Run> {
    return this.store.getRun(runId);
  }

  /** The child runs of a run (tag `mlflow.parentRunId`). */
  async children(parent: Run): Promise<Run[]> {
    const page = await this.findRuns({ experiments: [parent.info.experimentId], tags: { [MLFLOW_TAGS.parentRunId]: parent.info.runId } });
    return page;
  }

  async latestMetrics(runId: string): Promise<Record<string, number>> {
    const run = await this.store.getRun(runId);
    return Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
  }

  metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return this.store.getMetricHistory(runId, key);
  }

  /** The history of every metric of a run, by key. */
  async metricHistories(runId: string): Promise<Record<string, MetricPoint[]>> {
    const run = await this.store.getRun(runId);
    const out: Record<string, MetricPoint[]> = {};
    for (const m of run.data.metrics) out[m.key] = await this.store.getMetricHistory(runId, m.key);
    return out;
  }

  /** Every artifact file of a run, recursively. */
  async artifactFiles(runId: string, path = ''): Promise<ArtifactEntry[]> {
    const out: ArtifactEntry[] = [];
    for (const entry of await this.store.listArtifacts(runId, path)) {
      if (entry.isDir) out.push(...(await this.artifactFiles(runId, entry.path)));
      else out.push(entry);
    }
    return out;
  }

  async readArtifactText(runId: string, path: string): Promise<string> {
    return new TextDecoder().decode(await this.store.getArtifact(runId, path));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
