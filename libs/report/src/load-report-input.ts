import { WorkbenchError } from '@workbench/core';
import { MLFLOW_TAGS, TrackingReader, type Run, type TrackingStore } from '@workbench/tracking';
import { assignVariants, isCellRun, toReportRun, type ReportRun } from './report-run.ts';

/** What a report is made of: the cell runs of a sweep (parent run) or of an experiment. */
export interface ReportSource {
  /** The store (kept open by the caller) or a tracking URI (opened read-only and closed here). */
  store?: TrackingStore;
  trackingUri?: string;
  env?: Record<string, string | undefined>;
  /** A sweep's parent run id: its child runs are the cells. */
  sweepRunId?: string;
  /** An experiment name (or id): every cell run in it. */
  experiment?: string;
}

export interface ReportInput {
  title: string;
  storeUri: string;
  /** The sweep's parent run, when the report is of a sweep. */
  parent: Run | undefined;
  experimentName: string;
  /** Every cell run found (any status); the report aggregates only FINISHED ones and lists the rest. */
  runs: ReportRun[];
  reader: TrackingReader;
}

/** Finds the runs of a sweep or an experiment; a clear error listing what exists when there is nothing to report. */
export async function loadReportInput(source: ReportSource, reader: TrackingReader): Promise<ReportInput> {
  if ((source.sweepRunId === undefined) === (source.experiment === undefined)) {
    throw new WorkbenchError('CONFIG_INVALID', 'a report needs exactly one of a sweep run id or an experiment name', { where: { source: '--sweep / --experiment' } });
  }
  let parent: Run | undefined;
  let raw: Run[];
  let experimentName: string;
  if (source.sweepRunId !== undefined) {
    try {
      parent = await reader.run(source.sweepRunId);
    } catch (e) {
      if (!(e instanceof WorkbenchError) || e.code !== 'TRACKING_NOT_FOUND') throw e;
      throw new WorkbenchError('TRACKING_NOT_FOUND', `no sweep run '${source.sweepRunId}' in ${reader.store.uri}; ${await describeSweeps(reader)}`, {
        where: { source: '--sweep' },
        cause: e,
      });
    }
    experimentName = (await reader.store.getExperiment(parent.info.experimentId)).name;
    raw = (await reader.children(parent)).filter(isCellRun);
    if (raw.length === 0) {
      throw new WorkbenchError('TRACKING_NOT_FOUND', `run '${source.sweepRunId}' (${parent.info.runName}) has no cell runs (no child run with a method); ${await describeSweeps(reader)}`, {
        where: { source: '--sweep' },
      });
    }
  } else {
    const experiment = await reader.experiment(source.experiment as string);
    experimentName = experiment.name;
    raw = (await reader.findRuns({ experiments: [experiment.experimentId] })).filter(isCellRun);
    if (raw.length === 0) {
      const names = (await reader.experiments()).map((e) => e.name);
      throw new WorkbenchError('TRACKING_NOT_FOUND', `experiment '${experiment.name}' has no cell runs; experiments: ${names.join(', ') || '(none)'}`, {
        where: { source: '--experiment' },
      });
    }
  }
  const runs = raw.map(toReportRun).sort((a, b) => a.startTime - b.startTime || a.runId.localeCompare(b.runId));
  if (!runs.some((r) => r.status === 'FINISHED')) {
    const counts = countBy(runs.map((r) => r.status));
    throw new WorkbenchError(
      'TRACKING_NOT_FOUND',
      `${parent ? `sweep '${parent.info.runId}'` : `experiment '${experimentName}'`} has no FINISHED run (${Object.entries(counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}); ${await describeSweeps(reader)}`,
      { where: { source: parent ? '--sweep' : '--experiment' } },
    );
  }
  assignVariants(runs);
  const title = parent ? `Sweep ${parent.info.runName} (${parent.info.runId.slice(0, 8)})` : `Experiment ${experimentName}`;
  return { title, storeUri: reader.store.uri, parent, experimentName, runs, reader };
}

/** "sweeps: <id> <name> (<n> cells, experiment <e>); ...": the parent runs found in the store. */
export async function describeSweeps(reader: TrackingReader): Promise<string> {
  const experiments = await reader.experiments();
  const all = experiments.length ? await reader.findRuns({ experiments: experiments.map((e) => e.experimentId) }) : [];
  const children = new Map<string, number>();
  for (const r of all) {
    const p = r.data.tags[MLFLOW_TAGS.parentRunId];
    if (p) children.set(p, (children.get(p) ?? 0) + 1);
  }
  const names = new Map(experiments.map((e) => [e.experimentId, e.name]));
  const sweeps = all
    .filter((r) => children.has(r.info.runId))
    .map((r) => `${r.info.runId} ${r.info.runName} (${children.get(r.info.runId)} runs, ${r.info.status}, experiment ${names.get(r.info.experimentId)})`);
  const exps = experiments.map((e) => e.name);
  return `sweeps: ${sweeps.join('; ') || '(none)'}; experiments: ${exps.join(', ') || '(none)'}`;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
