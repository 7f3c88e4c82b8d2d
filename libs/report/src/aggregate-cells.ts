import * as aq from 'arquero';
import { REPORT_METRICS, nominalLabelAvailability, type ReportRun } from './report-run.ts';
import type { CellSummary, MetricSummary } from './report-data.ts';
import { tInterval } from './student-t.ts';

export interface AggregateOptions {
  metrics: readonly string[];
  validationMetric: string;
  confidence: number;
}

const KEYS = ['dataset', 'scenario', 'method', 'variant'] as const;

/**
 * Per (dataset, scenario, method, variant): seeds, and mean, sample std, standard error and t-interval of each
 * metric over the seeds (arquero rollup). A metric a run did not log is a gap (null), not a zero: `n` says how
 * many seeds entered each mean.
 */
export function aggregateCells(runs: readonly ReportRun[], options: AggregateOptions): CellSummary[] {
  if (runs.length === 0) return [];
  const columns = [...new Set([...options.metrics, options.validationMetric, REPORT_METRICS.wallSeconds, REPORT_METRICS.keptFraction])];
  const col = (i: number): string => `m${i}`;
  const table = aq.from(
    runs.map((r) => {
      const row: Record<string, unknown> = { dataset: r.dataset, scenario: r.scenario, method: r.method, variant: r.variant, seed: r.seed, runId: r.runId };
      columns.forEach((m, i) => {
        const v = r.metrics[m];
        row[col(i)] = v === undefined || Number.isNaN(v) ? null : v;
      });
      return row;
    }),
  );
  const rollup: Record<string, unknown> = { seeds: aq.op.array_agg('seed'), runIds: aq.op.array_agg('runId') };
  columns.forEach((_, i) => {
    rollup[`${col(i)}_n`] = aq.op.valid(col(i));
    rollup[`${col(i)}_mean`] = aq.op.mean(col(i));
    rollup[`${col(i)}_std`] = aq.op.stdev(col(i));
  });
  const grouped = table
    .groupby(...KEYS)
    .rollup(rollup as never)
    .orderby(...KEYS)
    .objects() as Record<string, unknown>[];
  return grouped.map((g) => {
    const summary = (i: number): MetricSummary => {
      const n = Number(g[`${col(i)}_n`] ?? 0);
      const mean = n > 0 ? Number(g[`${col(i)}_mean`]) : Number.NaN;
      const std = n > 1 ? Number(g[`${col(i)}_std`]) : Number.NaN;
      const t = tInterval(mean, std, n, options.confidence);
      return { n, mean, std, se: t.se, tLower: t.lower, tUpper: t.upper };
    };
    const byName = (m: string): MetricSummary => summary(columns.indexOf(m));
    const scenario = String(g['scenario']);
    const nominal = nominalLabelAvailability(scenario);
    // seeds[k] is the seed of runIds[k], ordered by seed.
    const seedOf = g['seeds'] as number[];
    const pairs = (g['runIds'] as string[]).map((id, k) => [seedOf[k], id] as const).sort((a, b) => a[0] - b[0]);
    return {
      dataset: String(g['dataset']),
      scenario,
      availability: Number.isNaN(nominal) ? byName(REPORT_METRICS.keptFraction).mean : nominal,
      method: String(g['method']),
      variant: String(g['variant']),
      seeds: pairs.map((p) => p[0]),
      runIds: pairs.map((p) => p[1]),
      metrics: Object.fromEntries(options.metrics.map((m) => [m, byName(m)])),
      validation: byName(options.validationMetric),
      wallSeconds: byName(REPORT_METRICS.wallSeconds),
      selected: true,
      sharedScenarios: [],
    };
  });
}

/**
 * Model selection: in each (dataset, scenario, method) with several variants, the variant with the highest mean
 * validation metric over its seeds is selected (validation on observed labels, never test). Returns one
 * statement per choice; when a variant lacks the validation metric no choice is made and every variant stays
 * in the table, said so.
 */
export function selectVariants(cells: CellSummary[], validationMetric: string): { statements: string[]; warnings: string[] } {
  const statements: string[] = [];
  const warnings: string[] = [];
  const groups = new Map<string, CellSummary[]>();
  for (const c of cells) {
    const k = `${c.dataset}\u0000${c.scenario}\u0000${c.method}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const head = `${g[0].method} on ${g[0].dataset} / ${g[0].scenario}`;
    if (g.some((c) => c.validation.n === 0)) {
      for (const c of g) c.selected = true;
      warnings.push(`${head}: ${g.length} variants but not all logged ${validationMetric}; no selection made, every variant is shown`);
      continue;
    }
    const best = g.reduce((a, b) => (b.validation.mean > a.validation.mean ? b : a));
    for (const c of g) c.selected = c === best;
    const others = g
      .filter((c) => c !== best)
      .map((c) => `${c.variant} (${fmt(c.validation.mean)})`)
      .join('; ');
    statements.push(`${head}: selected ${best.variant} by mean ${validationMetric} ${fmt(best.validation.mean)} over ${best.validation.n} seeds, among ${g.length} variants; others: ${others}`);
  }
  return { statements, warnings };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : 'n/a';
}
