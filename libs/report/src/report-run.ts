import type { RunStatus } from '@workbench/core';
import type { Run } from '@workbench/tracking';

/** Metric keys the runner logs (libs/methods run-cell.ts); the report reads them by these names. */
export const REPORT_METRICS = {
  /** The headline figure (final, on target test). */
  primary: 'map_macro',
  /** Final test metrics shown in the tables, in this order. */
  final: ['map_macro', 'map_micro', 'map_hard', 'f1_macro', 'roc_auc_macro', 'subset_accuracy'],
  /** Model selection: validation on OBSERVED target labels (never test). */
  validation: 'target.val.map_macro_observed',
  /** Learning curves (per epoch). */
  curves: ['target.test.map_macro', 'target.val.map_macro_observed', 'source.train_loss', 'target.train_loss'],
  wallSeconds: 'cost.wall_seconds',
  keptFraction: 'scenario.kept_fraction',
} as const;

export const REPORT_ARTIFACTS = {
  predictions: 'predictions/target_test.jsonl',
  perLabel: 'metrics/per_label.json',
  config: 'config.json',
} as const;

/** One cell run as the report sees it: identity (dataset, scenario, method, seed, variant) and its latest metrics. */
export interface ReportRun {
  runId: string;
  runName: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  dataset: string;
  scenario: string;
  method: string;
  /** NaN when the run logged no `seed` param. */
  seed: number;
  cellId: string;
  /** The hyper-parameters that differ between runs of the same (dataset, scenario, method), `k=v, ...`; '' when none do. */
  variant: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Latest value of every metric the run logged (absent keys are gaps, never zeros). */
  metrics: Record<string, number>;
  /** The scenarios this one run stands for when its method ignores the scenario (see shared-runs.ts); absent otherwise. */
  sharedScenarios?: string[];
  /** On a copy standing under another scenario: the scenario the run was run with (its params say so). */
  ranAs?: string;
}

export function toReportRun(run: Run): ReportRun {
  const { params, tags } = run.data;
  const seed = params['seed'] === undefined ? Number.NaN : Number(params['seed']);
  return {
    runId: run.info.runId,
    runName: run.info.runName,
    status: run.info.status,
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    dataset: tags['workbench.dataset'] ?? params['dataset'] ?? '?',
    scenario: params['scenario.name'] ?? tags['workbench.scenario'] ?? '?',
    method: tags['workbench.method'] ?? params['method'] ?? '?',
    seed,
    cellId: tags['workbench.cell_id'] ?? tags['workbench.config_hash'] ?? '',
    variant: '',
    params,
    tags,
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
  };
}

/** A run is a cell of a sweep when it names its method (sweep parents and other runs do not). */
export function isCellRun(run: Run): boolean {
  return run.data.tags['workbench.method'] !== undefined || run.data.params['method'] !== undefined;
}

/** Params that never make a hyper-parameter variant: identity of the cell, seeds, and what the runner derives. */
const NOT_HYPER = [/^seed$/, /^method$/, /^dataset$/, /^scenario\./, /^backbone\.resolved\./, /^model\.parameters$/, /^eval\./, /(^|\.)seed$/];

/**
 * Names each run's variant: within one (dataset, scenario, method), the params whose values differ between runs
 * (seed and identity excluded). One variant per group when nothing differs.
 */
export function assignVariants(runs: ReportRun[]): void {
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const k = groupKey(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  for (const g of groups.values()) {
    const keys = new Set<string>();
    for (const r of g) for (const k of Object.keys(r.params)) if (!NOT_HYPER.some((re) => re.test(k))) keys.add(k);
    const varying = [...keys].filter((k) => new Set(g.map((r) => r.params[k] ?? '')).size > 1).sort();
    for (const r of g) r.variant = varying.map((k) => `${k}=${r.params[k] ?? '(unset)'}`).join(', ');
  }
}

export function groupKey(r: Pick<ReportRun, 'dataset' | 'scenario' | 'method'>): string {
  return `${r.dataset}\u0000${r.scenario}\u0000${r.method}`;
}

/** keep50 -> 0.5, full -> 1; NaN when the name says nothing (then the logged kept fraction is used). */
export function nominalLabelAvailability(scenario: string): number {
  if (scenario === 'full') return 1;
  const m = /^keep(\d+)$/.exec(scenario);
  return m ? Number(m[1]) / 100 : Number.NaN;
}
