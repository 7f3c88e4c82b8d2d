/**
 * Runs that stand for several grid points. A sweep runs grid points that a method cannot tell apart as ONE cell
 * (source-only and unsupervised ignore the scenario, so their keep50 and keep10 points are one run per seed);
 * the report shows such a run under every scenario it stands for, says that the rows are shared, and never
 * lists the other scenarios as missing.
 */
import { isPlainObject, WorkbenchError } from '@workbench/core';
import type { Run, TrackingReader } from '@workbench/tracking';
import type { ReportRun } from './report-run.ts';

/** Where libs/sweep records every cell of a sweep on its parent run (run-sweep.ts `SWEEP_ARTIFACTS.cells`). */
export const SWEEP_CELLS_ARTIFACT = 'sweep/cells.json';
/** The tag the sweep worker sets on each cell run: the cell's label, listing every value it stands for. */
export const CELL_LABEL_TAG = 'workbench.cell_label';

/** The fields of a `sweep/cells.json` entry the report reads. */
export interface SweepCellEntry {
  /** The cell id (= the run's `workbench.config_hash`). */
  id: string;
  /** `method scenario1|scenario2 key=v1|v2 seed N`: the sweep's label lists every value its grid points set. */
  label: string;
  /** The run holding the cell's result or last attempt; absent for a cell never started. */
  runId?: string;
  status?: string;
}

/** `sweep/cells.json` of a sweep's parent run; undefined when absent (the report of a non-sweep parent). */
export async function readSweepCells(reader: TrackingReader, parent: Run): Promise<SweepCellEntry[] | undefined> {
  let text: string;
  try {
    text = await reader.readArtifactText(parent.info.runId, SWEEP_CELLS_ARTIFACT);
  } catch (e) {
    if (e instanceof WorkbenchError && e.code === 'TRACKING_NOT_FOUND') return undefined;
    throw e;
  }
  const where = { source: `run ${parent.info.runId}: ${SWEEP_CELLS_ARTIFACT}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('TRACKING_INVALID', `${SWEEP_CELLS_ARTIFACT} of run ${parent.info.runId} is not JSON: ${(e as Error).message}`, { where });
  }
  if (!Array.isArray(json)) throw new WorkbenchError('TRACKING_INVALID', `${SWEEP_CELLS_ARTIFACT} of run ${parent.info.runId} is not a list of cells`, { where });
  return json.map((x, i) => {
    if (!isPlainObject(x) || typeof x['id'] !== 'string' || typeof x['label'] !== 'string' || (x['runId'] !== undefined && x['runId'] !== null && typeof x['runId'] !== 'string')) {
      throw new WorkbenchError('TRACKING_INVALID', `${SWEEP_CELLS_ARTIFACT} of run ${parent.info.runId}: entry ${i} has no string id and label`, { where });
    }
    return { id: x['id'], label: x['label'], runId: (x['runId'] as string | null | undefined) ?? undefined, status: typeof x['status'] === 'string' ? x['status'] : undefined };
  });
}

/**
 * The scenarios a sweep label says its cell stands for: the label is `method scenarios ...` with the scenario
 * values joined by `|` (libs/sweep expand-sweep.ts `describe`). undefined when the label is not of that form
 * for this run (another method, or a scenario name the label does not list).
 */
export function labelScenarios(label: string, method: string, ranWith: string): string[] | undefined {
  const [m, scenarios] = label.split(' ');
  if (m !== method || scenarios === undefined) return undefined;
  const list = scenarios.split('|');
  return list.includes(ranWith) ? list : undefined;
}

/** Which scenarios a run stands for, and how the report knows. */
export interface Coverage {
  scenarios: string[];
  /** 'sweep' (cells.json), 'label' (the run's label tag) or 'dependsOn' (the method's declared dependencies). */
  source: 'sweep' | 'label' | 'dependsOn';
}

/**
 * Whether a method's result depends on the scenario, given its declared `dependsOn` config paths (libs/methods
 * `MethodSpec.dependsOn`, the same rule by which the sweep collapses cells).
 */
export function dependsOnScenario(dependsOn: readonly string[]): boolean {
  return dependsOn.some((p) => p === 'scenario' || p.startsWith('scenario.'));
}

export interface SharedRunsResult {
  /** The runs, each shared run also copied under every other scenario it stands for (same run id and numbers). */
  runs: ReportRun[];
  /** One statement per (dataset, method) whose runs are shared across scenarios. */
  statements: string[];
}

/**
 * Expands each run that stands for several scenarios into one run per scenario: the copies keep the run id,
 * metrics and predictions, carry `sharedScenarios`, and are made only where the store holds no run of that
 * (dataset, scenario, method, seed) itself (a run of its own always wins over a shared one).
 */
export function expandSharedRuns(runs: readonly ReportRun[], coverage: ReadonlyMap<string, Coverage>): SharedRunsResult {
  const own = new Set(runs.map((r) => keyOf(r, r.scenario)));
  const keptFraction = new Map<string, number>();
  for (const r of runs) {
    const k = r.metrics['scenario.kept_fraction'];
    if (k !== undefined && !coverage.has(r.runId)) keptFraction.set(`${r.dataset}\u0000${r.scenario}\u0000${r.seed}`, k);
  }
  const out: ReportRun[] = [];
  const groups = new Map<string, { dataset: string; method: string; scenarios: string[]; seeds: Set<number>; sources: Set<string> }>();
  for (const r of runs) {
    const c = coverage.get(r.runId);
    if (!c || c.scenarios.length < 2) {
      out.push(r);
      continue;
    }
    const standsFor = c.scenarios.filter((s) => s === r.scenario || !own.has(keyOf(r, s)));
    if (standsFor.length < 2) {
      out.push(r);
      continue;
    }
    out.push({ ...r, sharedScenarios: standsFor });
    for (const s of standsFor) {
      if (s === r.scenario) continue;
      // The kept fraction the run logged is its own scenario's: a copy takes the other scenario's, or none.
      const metrics = { ...r.metrics };
      delete metrics['scenario.kept_fraction'];
      const k = keptFraction.get(`${r.dataset}\u0000${s}\u0000${r.seed}`);
      if (k !== undefined) metrics['scenario.kept_fraction'] = k;
      out.push({ ...r, scenario: s, metrics, sharedScenarios: standsFor, ranAs: r.scenario });
    }
    const g = `${r.dataset}\u0000${r.method}\u0000${standsFor.join('|')}`;
    const group = groups.get(g) ?? { dataset: r.dataset, method: r.method, scenarios: standsFor, seeds: new Set<number>(), sources: new Set<string>() };
    group.seeds.add(r.seed);
    group.sources.add(c.source);
    groups.set(g, group);
  }
  const how: Record<Coverage['source'], string> = {
    sweep: `the sweep ran these grid points as one cell (${SWEEP_CELLS_ARTIFACT})`,
    label: `the sweep ran these grid points as one cell (run tag ${CELL_LABEL_TAG})`,
    dependsOn: "inferred from the method's declared dependsOn, which has no scenario key",
  };
  const statements = [...groups.values()].map(
    (g) =>
      `${g.method} on ${g.dataset}: each run (seed${g.seeds.size === 1 ? '' : 's'} ${[...g.seeds].sort((a, b) => a - b).join(', ')}) stands for ${g.scenarios.join(', ')}: ${g.method} does not depend on the scenario, so its rows under these scenarios are the same runs with the same numbers, not independent results; ${[...g.sources].map((s) => how[s as Coverage['source']]).join('; ')}`,
  );
  return { runs: out, statements };
}

function keyOf(r: ReportRun, scenario: string): string {
  return `${r.dataset}\u0000${scenario}\u0000${r.method}\u0000${r.seed}`;
}
