import { WorkbenchError } from '@workbench/core';
import { MLFLOW_TAGS, TrackingReader, type Run, type TrackingStore } from '@workbench/tracking';
import { assignVariants, isCellRun, toReportRun, type ReportRun } from './report-run.ts';
import { CELL_LABEL_TAG, dependsOnScenario, expandSharedRuns, labelScenarios, readSweepCells, type Coverage, type SweepCellEntry } from './shared-runs.ts';

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
  /**
   * The declared `dependsOn` of a method (libs/methods `METHODS.get(m).dependsOn`), undefined for an unknown one.
   * Only for runs no sweep labelled: a method without a scenario key then stands for every scenario of its
   * dataset. The caller passes it (the CLI does) so that the report does not load the training stack.
   */
  methodDependsOn?: (method: string) => readonly string[] | undefined;
}

export interface ReportInput {
  title: string;
  storeUri: string;
  /** The sweep's parent run, when the report is of a sweep. */
  parent: Run | undefined;
  experimentName: string;
  /**
   * Every cell run found (any status); the report aggregates only FINISHED ones and lists the rest. A run that
   * stands for several scenarios appears once per scenario (same run id, `sharedScenarios` set).
   */
  runs: ReportRun[];
  reader: TrackingReader;
  /** Runs shared across scenarios: one statement per dataset and method (shared-runs.ts). */
  shared: string[];
  /** Other facts about the input (runs of an earlier invocation included, ...). */
  notes: string[];
}

/** Finds the runs of a sweep or an experiment; a clear error listing what exists when there is nothing to report. */
export async function loadReportInput(source: ReportSource, reader: TrackingReader): Promise<ReportInput> {
  if ((source.sweepRunId === undefined) === (source.experiment === undefined)) {
    throw new WorkbenchError('CONFIG_INVALID', 'a report needs exactly one of a sweep run id or an experiment name', { where: { source: '--sweep / --experiment' } });
  }
  let parent: Run | undefined;
  let raw: Run[];
  let experimentName: string;
  let cells: SweepCellEntry[] | undefined;
  const notes: string[] = [];
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
    cells = await readSweepCells(reader, parent);
    // A cell skipped as done may hold its result in a run of an earlier invocation (another parent, when the spec
    // changed): cells.json names it, so it belongs to this sweep's report.
    const have = new Set(raw.map((r) => r.info.runId));
    const elsewhere = (cells ?? []).filter((c) => c.runId !== undefined && !have.has(c.runId));
    for (const c of elsewhere) {
      try {
        const run = await reader.run(c.runId as string);
        if (isCellRun(run)) raw.push(run);
      } catch (e) {
        if (!(e instanceof WorkbenchError) || e.code !== 'TRACKING_NOT_FOUND') throw e;
        notes.push(`cell ${c.label}: its run ${c.runId} (recorded in sweep/cells.json) is not in the store`);
      }
    }
    if (elsewhere.length) notes.push(`${elsewhere.length} cell(s) of this sweep hold their result in runs of an earlier invocation (not children of this parent run): included, as sweep/cells.json records`);
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
  const ranRuns = raw.map(toReportRun).sort((a, b) => a.startTime - b.startTime || a.runId.localeCompare(b.runId));
  if (!ranRuns.some((r) => r.status === 'FINISHED')) {
    const counts = countBy(ranRuns.map((r) => r.status));
    throw new WorkbenchError(
      'TRACKING_NOT_FOUND',
      `${parent ? `sweep '${parent.info.runId}'` : `experiment '${experimentName}'`} has no FINISHED run (${Object.entries(counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}); ${await describeSweeps(reader)}`,
      { where: { source: parent ? '--sweep' : '--experiment' } },
    );
  }
  const shared = expandSharedRuns(ranRuns, coverageOf(ranRuns, cells, source.methodDependsOn));
  const runs = shared.runs;
  assignVariants(runs);
  const title = parent ? `Sweep ${parent.info.runName} (${parent.info.runId.slice(0, 8)})` : `Experiment ${experimentName}`;
  return { title, storeUri: reader.store.uri, parent, experimentName, runs, reader, shared: shared.statements, notes };
}

/**
 * The scenarios each run stands for: from the sweep's cells.json (by run id, else by cell id), else from the
 * run's own label tag (runs made by a sweep, reported as an experiment), else, for runs no sweep made and when
 * the caller gave `methodDependsOn`, from the method's declared dependsOn: a method that does not depend on the
 * scenario stands for every scenario the report has runs of on that dataset.
 */
function coverageOf(runs: readonly ReportRun[], cells: SweepCellEntry[] | undefined, methodDependsOn: ReportSource['methodDependsOn']): Map<string, Coverage> {
  const out = new Map<string, Coverage>();
  const byRun = new Map((cells ?? []).filter((c) => c.runId !== undefined).map((c) => [c.runId as string, c]));
  const byCell = new Map((cells ?? []).map((c) => [c.id, c]));
  const unlabelled: ReportRun[] = [];
  for (const r of runs) {
    const entry = byRun.get(r.runId) ?? byCell.get(r.tags['workbench.config_hash'] ?? '');
    const fromSweep = entry ? labelScenarios(entry.label, r.method, r.scenario) : undefined;
    const tag = r.tags[CELL_LABEL_TAG];
    const fromTag = fromSweep === undefined && tag !== undefined ? labelScenarios(tag, r.method, r.scenario) : undefined;
    if (fromSweep) out.set(r.runId, { scenarios: fromSweep, source: 'sweep' });
    else if (fromTag) out.set(r.runId, { scenarios: fromTag, source: 'label' });
    else if (entry === undefined && tag === undefined) unlabelled.push(r);
  }
  if (unlabelled.length === 0 || methodDependsOn === undefined) return out;
  const scenariosOf = new Map<string, Set<string>>();
  for (const r of runs) scenariosOf.set(r.dataset, (scenariosOf.get(r.dataset) ?? new Set()).add(r.scenario));
  for (const r of unlabelled) {
    const dependsOn = methodDependsOn(r.method);
    if (dependsOn === undefined || dependsOnScenario(dependsOn)) continue;
    const scenarios = [...(scenariosOf.get(r.dataset) ?? [])].sort();
    if (scenarios.length > 1) out.set(r.runId, { scenarios, source: 'dependsOn' });
  }
  return out;
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
