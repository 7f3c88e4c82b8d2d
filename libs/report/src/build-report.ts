import { createRng, WorkbenchError } from '@workbench/core';
import { perLabelAveragePrecision } from '@workbench/metrics';
import { MLFLOW_TAGS, WORKBENCH_TAGS, type TrackingReader } from '@workbench/tracking';
import { aggregateCells, selectVariants } from './aggregate-cells.ts';
import { BOOTSTRAP_METRICS } from './bootstrap-metrics.ts';
import type { ReportInput } from './load-report-input.ts';
import { alignRows, parsePredictions, sharedRowIds, type Predictions } from './predictions.ts';
import type { CellSummary, CurveRow, ImprovementRow, KeyValues, MissingRow, PerLabelRow, ReportData, SummaryRow } from './report-data.ts';
import type { ResolvedReportOptions } from './report-options.ts';
import { REPORT_ARTIFACTS, REPORT_METRICS, type ReportRun } from './report-run.ts';
import { meanOverSeeds, pairedDifference, percentileInterval, relativeInterval, valuesOnResamples, type ResampledValues } from './resampled-metrics.ts';

/** Everything the report shows, computed from the runs (aggregation, selection, bootstraps, curves, gaps). */
export async function buildReportData(input: ReportInput, options: ResolvedReportOptions): Promise<ReportData> {
  const finished = input.runs.filter((r) => r.status === 'FINISHED');
  const byId = new Map(finished.map((r) => [r.runId, r]));
  const cells = aggregateCells(finished, { metrics: options.metrics, validationMetric: options.validationMetric, confidence: options.confidence });
  const { statements, warnings } = selectVariants(cells, options.validationMetric);
  const sharedOf = new Map(finished.filter((r) => r.sharedScenarios).map((r) => [`${r.runId}\u0000${r.scenario}`, r.sharedScenarios as string[]]));
  for (const c of cells) c.sharedScenarios = [...new Set(c.runIds.flatMap((id) => sharedOf.get(`${id}\u0000${c.scenario}`) ?? []))];
  const selected = cells.filter((c) => c.selected);

  const predictions = await loadPredictions(input.reader, selected.flatMap((c) => c.runIds));
  const summary: SummaryRow[] = selected.map((c) => ({ ...c, bootstrap: { estimate: Number.NaN, lower: Number.NaN, upper: Number.NaN, rows: 0, seeds: 0 }, selection: '', warnings: [] }));
  for (const s of summary) {
    s.selection = statements.find((t) => t.startsWith(`${s.method} on ${s.dataset} / ${s.scenario}:`)) ?? '';
    if (s.seeds.length < options.minSeeds) s.warnings.push(`only ${s.seeds.length} seed${s.seeds.length === 1 ? '' : 's'} (< ${options.minSeeds}): the spread over seeds is not reliable`);
    for (const [m, ms] of Object.entries(s.metrics)) if (ms.n < s.seeds.length) s.warnings.push(`${m} logged by ${ms.n} of ${s.seeds.length} seeds`);
    if (new Set(s.seeds).size < s.seeds.length) s.warnings.push(`repeated seeds ${s.seeds.join(', ')}: several runs of one config`);
  }
  const improvements = bootstrapGroups(summary, predictions, options, warnings);
  const perLabel = perLabelRows(summary, predictions);
  const curves = await curveRows(input.reader, summary, byId);
  const missing = missingRows(input.runs, cells);
  for (const s of summary) for (const w of s.warnings) warnings.push(`${s.method} on ${s.dataset} / ${s.scenario}${s.variant ? ` [${s.variant}]` : ''}: ${w}`);
  if (missing.length) warnings.push(`${missing.length} cell run(s) missing or not finished: listed under "Missing and failed cells", not averaged`);

  return {
    title: input.title,
    generatedAt: new Date().toISOString(),
    storeUri: input.storeUri,
    experiment: input.experimentName,
    sweepRunId: input.parent?.info.runId,
    primaryMetric: options.primaryMetric,
    validationMetric: options.validationMetric,
    metrics: options.metrics,
    baselines: options.baselines.filter((b) => summary.some((s) => s.method === b)),
    bootstrap: options.bootstrap,
    confidence: options.confidence,
    minSeeds: options.minSeeds,
    environment: environmentOf(input),
    config: configOf(input),
    summary,
    cells,
    improvements,
    perLabel,
    curves,
    missing,
    // Each run once, under the scenario it ran with (its copies under other scenarios are the same run).
    runs: input.runs
      .filter((r) => r.ranAs === undefined)
      .map((r) => ({ runId: r.runId, runName: r.runName, status: r.status, dataset: r.dataset, scenario: r.scenario, method: r.method, variant: r.variant, seed: r.seed, metrics: r.metrics, sharedScenarios: r.sharedScenarios ?? [] })),
    selections: statements,
    shared: input.shared,
    notes: input.notes,
    warnings,
  };
}

async function loadPredictions(reader: TrackingReader, runIds: string[]): Promise<Map<string, Predictions>> {
  const out = new Map<string, Predictions>();
  for (const runId of runIds) {
    let text: string;
    try {
      text = await reader.readArtifactText(runId, REPORT_ARTIFACTS.predictions);
    } catch (e) {
      if (e instanceof WorkbenchError && e.code === 'TRACKING_NOT_FOUND') continue;
      throw e;
    }
    out.set(runId, parsePredictions(text, `run ${runId}: ${REPORT_ARTIFACTS.predictions}`));
  }
  return out;
}

/**
 * Test-row bootstraps of one (dataset, scenario) share one seeded stream and one row set (the rows every
 * selected run predicted), so each method's interval and every paired comparison resample the same rows: the
 * resamples are drawn once and every run's metric is evaluated once per resample (resampled-metrics.ts).
 */
function bootstrapGroups(summary: SummaryRow[], predictions: Map<string, Predictions>, options: ResolvedReportOptions, warnings: string[]): ImprovementRow[] {
  const out: ImprovementRow[] = [];
  if (!BOOTSTRAP_METRICS.has(options.primaryMetric)) {
    warnings.push(`no test-row bootstrap for ${options.primaryMetric} (bootstrap metrics: ${BOOTSTRAP_METRICS.names().join(', ')}); improvements use seed means without intervals`);
  }
  const groups = new Map<string, SummaryRow[]>();
  for (const s of summary) groups.set(`${s.dataset}\u0000${s.scenario}`, [...(groups.get(`${s.dataset}\u0000${s.scenario}`) ?? []), s]);
  for (const rows of groups.values()) {
    const { dataset, scenario } = rows[0];
    const withPreds = rows.flatMap((s) => s.runIds.filter((id) => predictions.has(id)).map((id) => predictions.get(id) as Predictions));
    const ids = sharedRowIds(withPreds);
    const n = ids.length;
    const runValues = new Map<string, ResampledValues>();
    if (n > 0 && BOOTSTRAP_METRICS.has(options.primaryMetric)) {
      const make = BOOTSTRAP_METRICS.get(options.primaryMetric);
      const runIds = [...new Set(rows.flatMap((s) => s.runIds.filter((id) => predictions.has(id))))];
      const metrics = runIds.map((id) => {
        const { truth, scores } = alignRows(predictions.get(id) as Predictions, ids);
        return make(truth, scores);
      });
      const rng = createRng(options.bootstrap.seed).derive('report-bootstrap').derive(dataset.replace(/\//g, '_')).derive(scenario.replace(/\//g, '_'));
      valuesOnResamples(n, metrics, options.bootstrap.resamples, rng).forEach((v, k) => runValues.set(runIds[k] as string, v));
    }
    const seedRuns = (s: SummaryRow): Map<number, string> => new Map(s.runIds.map((id, k) => [s.seeds[k], id] as const).filter(([, id]) => runValues.has(id)));
    for (const s of rows) {
      const values = s.runIds.filter((id) => runValues.has(id)).map((id) => runValues.get(id) as ResampledValues);
      if (values.length === 0) {
        s.warnings.push('no logged predictions: no test-row bootstrap interval');
        continue;
      }
      const mean = meanOverSeeds(values);
      const ci = percentileInterval(mean.values, options.bootstrap.confidence);
      s.bootstrap = { estimate: mean.estimate, lower: ci.lower, upper: ci.upper, rows: n, seeds: values.length };
    }
    const baselines = options.baselines.filter((b) => rows.some((s) => s.method === b));
    for (const b of baselines) {
      for (const base of rows.filter((s) => s.method === b)) {
        // Baselines among themselves once (a later-listed one against an earlier one), not both ways.
        const skip = (m: string): boolean => m === b || (baselines.includes(m) && baselines.indexOf(m) < baselines.indexOf(b));
        for (const s of rows.filter((r) => !skip(r.method))) out.push(compare(s, base, seedRuns, runValues, n, options.bootstrap.confidence, options.primaryMetric));
      }
    }
  }
  return out;
}

function compare(
  s: SummaryRow,
  base: SummaryRow,
  seedRuns: (s: SummaryRow) => Map<number, string>,
  runValues: Map<string, ResampledValues>,
  n: number,
  confidence: number,
  primary: string,
): ImprovementRow {
  const a = seedRuns(s);
  const b = seedRuns(base);
  const shared = [...a.keys()].filter((seed) => b.has(seed)).sort((x, y) => x - y);
  const row: ImprovementRow = {
    dataset: s.dataset,
    scenario: s.scenario,
    method: s.method + (s.variant && !s.selection ? ` [${s.variant}]` : ''),
    baseline: base.method,
    sharedSeeds: shared,
    sharedRows: n,
    methodValue: Number.NaN,
    baselineValue: Number.NaN,
    absolute: Number.NaN,
    absoluteLower: Number.NaN,
    absoluteUpper: Number.NaN,
    relative: Number.NaN,
    relativeLower: Number.NaN,
    relativeUpper: Number.NaN,
    fractionBetter: Number.NaN,
    note: '',
  };
  if (shared.length === 0) {
    // No paired resampling possible: the seed means are still a comparison, said so.
    row.methodValue = s.metrics[primary]?.mean ?? Number.NaN;
    row.baselineValue = base.metrics[primary]?.mean ?? Number.NaN;
    row.absolute = row.methodValue - row.baselineValue;
    row.relative = row.absolute / row.baselineValue;
    row.note = 'no shared seeds with predictions: seed means, no paired interval';
    return row;
  }
  // The same resamples for both (one stream per dataset and scenario), on the seeds both have.
  const ma = meanOverSeeds(shared.map((seed) => runValues.get(a.get(seed) as string) as ResampledValues));
  const mb = meanOverSeeds(shared.map((seed) => runValues.get(b.get(seed) as string) as ResampledValues));
  const diff = pairedDifference(ma, mb, confidence);
  const rel = relativeInterval(ma, mb, confidence);
  Object.assign(row, {
    methodValue: ma.estimate,
    baselineValue: mb.estimate,
    absolute: diff.estimate,
    absoluteLower: diff.lower,
    absoluteUpper: diff.upper,
    relative: (ma.estimate - mb.estimate) / mb.estimate,
    relativeLower: rel.lower,
    relativeUpper: rel.upper,
    fractionBetter: diff.fractionAGreater,
    note: shared.length < Math.max(a.size, b.size) ? `paired on ${shared.length} shared seeds` : '',
  });
  return row;
}

function perLabelRows(summary: SummaryRow[], predictions: Map<string, Predictions>): PerLabelRow[] {
  const out: PerLabelRow[] = [];
  for (const s of summary) {
    const sets = s.runIds.map((id) => predictions.get(id)).filter((p): p is Predictions => p !== undefined);
    if (sets.length === 0) continue;
    const labels = sets[0].labels;
    const sums = new Float64Array(labels.length);
    const counts = new Int32Array(labels.length);
    for (const p of sets) {
      perLabelAveragePrecision(p.truth, p.scores).forEach((ap, j) => {
        if (!Number.isNaN(ap)) {
          sums[j] += ap;
          counts[j]++;
        }
      });
    }
    labels.forEach((label, j) => out.push({ dataset: s.dataset, scenario: s.scenario, method: s.method, label, ap: counts[j] ? sums[j] / counts[j] : Number.NaN, seeds: counts[j] }));
  }
  return out;
}

async function curveRows(reader: TrackingReader, summary: SummaryRow[], byId: Map<string, ReportRun>): Promise<CurveRow[]> {
  const out: CurveRow[] = [];
  for (const s of summary) {
    for (const metric of REPORT_METRICS.curves) {
      const steps = new Map<number, number[]>();
      for (const id of s.runIds) {
        if (byId.get(id)?.metrics[metric] === undefined) continue;
        // The last point per step (a resumed run may log a step twice).
        const last = new Map<number, number>();
        for (const p of await reader.metricHistory(id, metric)) last.set(p.step, p.value);
        for (const [step, v] of last) steps.set(step, [...(steps.get(step) ?? []), v]);
      }
      for (const [step, vs] of [...steps].sort((x, y) => x[0] - y[0])) {
        const mean = vs.reduce((a, v) => a + v, 0) / vs.length;
        const std = vs.length > 1 ? Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / (vs.length - 1)) : Number.NaN;
        out.push({ dataset: s.dataset, scenario: s.scenario, method: s.method, metric, step, mean, std, n: vs.length });
      }
    }
  }
  return out;
}

/**
 * Runs that did not finish, and holes in the grid: every (dataset, scenario, method) seen in the sweep is
 * expected for every seed seen in it.
 */
function missingRows(runs: readonly ReportRun[], cells: CellSummary[]): MissingRow[] {
  const out: MissingRow[] = [];
  const finishedKey = new Set(runs.filter((r) => r.status === 'FINISHED').map((r) => `${r.dataset}\u0000${r.scenario}\u0000${r.method}\u0000${r.variant}\u0000${r.seed}`));
  for (const r of runs) {
    if (r.status === 'FINISHED') continue;
    const done = finishedKey.has(`${r.dataset}\u0000${r.scenario}\u0000${r.method}\u0000${r.variant}\u0000${r.seed}`);
    const shared = r.sharedScenarios ? ` (one run for ${r.sharedScenarios.join(', ')})` : '';
    out.push({ dataset: r.dataset, scenario: r.scenario, method: r.method, variant: r.variant, seed: r.seed, status: r.status, runId: r.runId, reason: (done ? `${r.status} attempt (a later attempt finished)` : (r.tags[WORKBENCH_TAGS.error] ?? r.status)) + shared });
  }
  const datasets = uniq(runs.map((r) => r.dataset));
  const scenarios = uniq(runs.map((r) => r.scenario));
  const methods = uniq(runs.map((r) => r.method));
  const seeds = uniq(runs.map((r) => r.seed)).filter((s) => !Number.isNaN(s));
  const seen = new Set(runs.map((r) => `${r.dataset}\u0000${r.scenario}\u0000${r.method}\u0000${r.variant}\u0000${r.seed}`));
  for (const d of datasets)
    for (const sc of scenarios)
      for (const m of methods) {
        const variants = uniq(cells.filter((c) => c.dataset === d && c.scenario === sc && c.method === m).map((c) => c.variant));
        for (const v of variants.length ? variants : ['']) {
          for (const seed of seeds) {
            if (!seen.has(`${d}\u0000${sc}\u0000${m}\u0000${v}\u0000${seed}`)) out.push({ dataset: d, scenario: sc, method: m, variant: v, seed, status: 'MISSING', runId: '', reason: 'no run in the store' });
          }
        }
      }
  return out;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)].sort();
}

function environmentOf(input: ReportInput): KeyValues[] {
  const keys: [string, string][] = [
    ['git commit', MLFLOW_TAGS.gitCommit],
    ['git dirty', WORKBENCH_TAGS.gitDirty],
    ['backend', WORKBENCH_TAGS.backend],
    ['node', WORKBENCH_TAGS.nodeVersion],
    ['tfjs', WORKBENCH_TAGS.tfjsVersion],
    ['workbench', WORKBENCH_TAGS.workbenchVersion],
    ['cpu', WORKBENCH_TAGS.cpu],
    ['lock file sha256', WORKBENCH_TAGS.lockfileHash],
  ];
  const sources = [...(input.parent ? [input.parent.data.tags] : []), ...input.runs.map((r) => r.tags)];
  return keys.map(([key, tag]) => ({ key, values: uniq(sources.map((t) => t[tag]).filter((v): v is string => v !== undefined)) })).filter((kv) => kv.values.length > 0);
}

/** Each param with its distinct values over the cells (the grid a reader needs to reproduce the sweep). */
function configOf(input: ReportInput): KeyValues[] {
  const values = new Map<string, Set<string>>();
  for (const r of input.runs) for (const [k, v] of Object.entries(r.params)) values.set(k, (values.get(k) ?? new Set()).add(v));
  if (input.parent) for (const [k, v] of Object.entries(input.parent.data.params)) values.set(`sweep: ${k}`, new Set([v]));
  return [...values]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, vs]) => ({ key, values: [...vs].sort() }));
}
