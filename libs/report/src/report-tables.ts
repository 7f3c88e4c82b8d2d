import * as aq from 'arquero';
import type { ReportData } from './report-data.ts';

/** A flat table (rows of scalars) for CSV, Markdown and the sortable HTML tables. */
export interface FlatTable {
  /** File stem: `tables/<name>.csv`. */
  name: string;
  title: string;
  columns: string[];
  rows: Record<string, string | number | null>[];
}

const v = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The report's tables, flat, in report order. NaN (a gap) becomes an empty cell. */
export function reportTables(data: ReportData): FlatTable[] {
  const summaryRows = data.summary.map((s) => {
    const row: Record<string, string | number | null> = {
      dataset: s.dataset,
      scenario: s.scenario,
      availability: v(s.availability),
      method: s.method,
      variant: s.variant,
      seeds: s.seeds.length,
      // The same runs stand under each of these scenarios (the method ignores the scenario); '' when the runs are the cell's own.
      shared_across: s.sharedScenarios.join(' '),
    };
    for (const m of data.metrics) {
      const ms = s.metrics[m];
      row[`${m}_mean`] = v(ms.mean);
      row[`${m}_std`] = v(ms.std);
      row[`${m}_se`] = v(ms.se);
      row[`${m}_t_lower`] = v(ms.tLower);
      row[`${m}_t_upper`] = v(ms.tUpper);
      row[`${m}_n`] = ms.n;
    }
    row[`${data.primaryMetric}_boot_lower`] = v(s.bootstrap.lower);
    row[`${data.primaryMetric}_boot_upper`] = v(s.bootstrap.upper);
    row['boot_rows'] = s.bootstrap.rows;
    row[`val_${data.validationMetric}_mean`] = v(s.validation.mean);
    row['wall_seconds_mean'] = v(s.wallSeconds.mean);
    row['warnings'] = s.warnings.join('; ');
    return row;
  });
  const improvementRows = data.improvements.map((i) => ({
    dataset: i.dataset,
    scenario: i.scenario,
    method: i.method,
    baseline: i.baseline,
    shared_seeds: i.sharedSeeds.join(' '),
    shared_rows: i.sharedRows,
    method_value: v(i.methodValue),
    baseline_value: v(i.baselineValue),
    absolute: v(i.absolute),
    absolute_lower: v(i.absoluteLower),
    absolute_upper: v(i.absoluteUpper),
    relative: v(i.relative),
    relative_lower: v(i.relativeLower),
    relative_upper: v(i.relativeUpper),
    fraction_better: v(i.fractionBetter),
    note: i.note,
  }));
  const variantRows = data.cells.map((c) => ({
    dataset: c.dataset,
    scenario: c.scenario,
    method: c.method,
    variant: c.variant,
    selected: c.selected ? 'yes' : '',
    seeds: c.seeds.join(' '),
    [`val_mean`]: v(c.validation.mean),
    [`val_std`]: v(c.validation.std),
    [`${data.primaryMetric}_mean`]: v(c.metrics[data.primaryMetric]?.mean ?? Number.NaN),
    [`${data.primaryMetric}_std`]: v(c.metrics[data.primaryMetric]?.std ?? Number.NaN),
    wall_seconds_mean: v(c.wallSeconds.mean),
  }));
  const runMetricKeys = [...new Set(data.runs.flatMap((r) => Object.keys(r.metrics)))].filter((k) => data.metrics.includes(k) || k === data.validationMetric || k === 'cost.wall_seconds');
  const runRows = data.runs.map((r) => ({
    run_id: r.runId,
    run_name: r.runName,
    status: r.status,
    dataset: r.dataset,
    scenario: r.scenario,
    method: r.method,
    variant: r.variant,
    seed: v(r.seed),
    stands_for: r.sharedScenarios.join(' '),
    ...Object.fromEntries(runMetricKeys.map((k) => [k, r.metrics[k] === undefined ? null : v(r.metrics[k])])),
  }));
  const tables: [string, string, Record<string, string | number | null>[]][] = [
    ['summary', `Main table: ${data.primaryMetric} and the other test metrics over seeds (selected variants)`, summaryRows],
    ['improvements', `Improvement of each method over each baseline (${data.primaryMetric}, paired bootstrap over shared test rows and seeds)`, improvementRows],
    ['variants', 'Every hyper-parameter variant (model selection on validation)', variantRows],
    ['per_label_ap', 'Per-label AP (mean over seeds)', data.perLabel.map((p) => ({ ...p, ap: v(p.ap) }))],
    ['learning_curves', 'Learning curves (mean and std over seeds per epoch)', data.curves.map((c) => ({ ...c, mean: v(c.mean), std: v(c.std) }))],
    ['missing', 'Missing and failed cells (never averaged)', data.missing.map((m) => ({ ...m, seed: v(m.seed) }))],
    ['runs', 'Every cell run', runRows],
  ];
  return tables.map(([name, title, rows]) => ({ name, title, rows, columns: rows.length ? Object.keys(rows[0]) : [] }));
}

/** CSV through arquero (RFC 4180 quoting); empty cells are gaps. */
export function tableCsv(table: FlatTable): string {
  if (table.rows.length === 0) return `${table.columns.join(',')}\n`;
  return `${aq.from(table.rows).toCSV()}\n`;
}
