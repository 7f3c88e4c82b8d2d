/** One run of the single- vs multi-task study, as the report reads it from the tracking store. */
export interface MultitaskStudyRun {
  runId: string;
  /** 'single-task' or 'multi-task'. */
  method: string;
  /** 'encoder' or 'decoder'. */
  backbone: string;
  seed: number;
  /** Latest metrics: `test.<task>.<metric>`, `val.<task>.<metric>`, `latency.b<k>.p50_ms`, `latency.parameters`... */
  metrics: Record<string, number>;
}

export type MultitaskColumnGroup = 'test' | 'val' | 'latency';

/** A figure of the study table: a metric key, how to title it, and which way is better. */
export interface MultitaskColumn {
  key: string;
  label: string;
  group: MultitaskColumnGroup;
  /** Unit shown after the value ('ms', '') and decimals. */
  unit: string;
  digits: number;
  higherIsBetter: boolean;
}

export interface MultitaskStat {
  mean: number;
  /** Sample standard deviation over seeds (n - 1); NaN for one seed. */
  sd: number;
  n: number;
  values: number[];
}

export interface MultitaskSummaryRow {
  backbone: string;
  method: string;
  seeds: number[];
  runIds: string[];
  stats: Record<string, MultitaskStat>;
}

/** multi-task minus single-task for one backbone and figure, paired by seed. */
export interface MultitaskDelta {
  backbone: string;
  key: string;
  /** Mean and sd over seeds of (multi - single). */
  diff: MultitaskStat;
  /** Mean over seeds of multi / single (latency and parameters: < 1 means multi-task is cheaper). */
  ratio: number;
}

export interface MultitaskStudySummary {
  columns: MultitaskColumn[];
  rows: MultitaskSummaryRow[];
  deltas: MultitaskDelta[];
  /** Cells (backbone x method) of the grid with no run, and seeds one method has but not the other. */
  gaps: string[];
}

const METRIC_ORDER = ['accuracy', 'map_macro', 'map_micro', 'f1_macro', 'span_f1', 'span_precision', 'span_recall', 'word_accuracy'];
const METRIC_LABELS: Record<string, string> = { accuracy: 'accuracy', f1_macro: 'macro F1', map_macro: 'macro mAP', map_micro: 'micro mAP', span_f1: 'span F1', span_precision: 'span P', span_recall: 'span R', word_accuracy: 'word acc.' };
const METHOD_ORDER = ['single-task', 'multi-task'];
const BACKBONE_ORDER = ['encoder', 'decoder'];

const rank = (order: string[], x: string): number => (order.includes(x) ? order.indexOf(x) : order.length);

/** The figures the runs carry, in reading order: per-task test scores, then latency and size, then validation. */
export function multitaskColumns(runs: readonly MultitaskStudyRun[]): MultitaskColumn[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  const tasks: string[] = [];
  for (const k of keys) {
    const m = /^(?:test|val)\.([^.]+)\./.exec(k);
    if (m && !tasks.includes(m[1] as string)) tasks.push(m[1] as string);
  }
  const scores = (group: 'test' | 'val'): MultitaskColumn[] =>
    tasks.flatMap((task) =>
      [...keys]
        .map((k) => new RegExp(`^${group}\\.${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(.+)$`).exec(k)?.[1])
        .filter((metric): metric is string => metric !== undefined && metric !== 'rows')
        .sort((a, b) => rank(METRIC_ORDER, a) - rank(METRIC_ORDER, b) || a.localeCompare(b))
        .map((metric) => ({ key: `${group}.${task}.${metric}`, label: `${group === 'val' ? 'val ' : ''}${task} ${METRIC_LABELS[metric] ?? metric}`, group, unit: '', digits: 3, higherIsBetter: true })),
    );
  const latency = [...keys]
    .map((k) => /^latency\.b(\d+)\.(p50|p95)_ms$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || (a[2] as string).localeCompare(b[2] as string))
    .map((m) => ({ key: m[0], label: `${m[2]} b=${m[1]}`, group: 'latency' as const, unit: 'ms', digits: 2, higherIsBetter: false }));
  const size = keys.has('latency.parameters') ? [{ key: 'latency.parameters', label: 'parameters', group: 'latency' as const, unit: '', digits: 0, higherIsBetter: false }] : [];
  return [...scores('test'), ...latency, ...size, ...scores('val')];
}

export function stat(values: readonly number[]): MultitaskStat {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n, values: [...v] };
}

/**
 * Mean +- sd over seeds for each backbone x method, and the paired multi - single difference per backbone
 * (the study's question: does one multi-task model match N single-task models, at what cost). When a cell
 * has several runs of one seed, the caller has already kept one (the newest).
 */
export function summarizeMultitaskStudy(runs: readonly MultitaskStudyRun[]): MultitaskStudySummary {
  const columns = multitaskColumns(runs);
  const cells = new Map<string, MultitaskStudyRun[]>();
  for (const r of runs) {
    const id = `${r.backbone}\u0000${r.method}`;
    cells.set(id, [...(cells.get(id) ?? []), r]);
  }
  const rows: MultitaskSummaryRow[] = [...cells.values()]
    .map((cell) => {
      const sorted = [...cell].sort((a, b) => a.seed - b.seed);
      const first = sorted[0] as MultitaskStudyRun;
      return {
        backbone: first.backbone,
        method: first.method,
        seeds: sorted.map((r) => r.seed),
        runIds: sorted.map((r) => r.runId),
        stats: Object.fromEntries(columns.map((c) => [c.key, stat(sorted.map((r) => r.metrics[c.key] ?? NaN))])),
      };
    })
    .sort((a, b) => rank(BACKBONE_ORDER, a.backbone) - rank(BACKBONE_ORDER, b.backbone) || a.backbone.localeCompare(b.backbone) || rank(METHOD_ORDER, a.method) - rank(METHOD_ORDER, b.method) || a.method.localeCompare(b.method));
  const gaps: string[] = [];
  const deltas: MultitaskDelta[] = [];
  const backbones = [...new Set(runs.map((r) => r.backbone))].sort((a, b) => rank(BACKBONE_ORDER, a) - rank(BACKBONE_ORDER, b));
  for (const backbone of backbones) {
    const of = (method: string) => new Map(runs.filter((r) => r.backbone === backbone && r.method === method).map((r) => [r.seed, r]));
    const [single, multi] = [of('single-task'), of('multi-task')];
    for (const [name, m] of [['single-task', single], ['multi-task', multi]] as const) if (m.size === 0) gaps.push(`${backbone} ${name}: no run`);
    const seeds = [...single.keys()].filter((s) => multi.has(s)).sort((a, b) => a - b);
    const unpaired = [...new Set([...single.keys(), ...multi.keys()])].filter((s) => !seeds.includes(s));
    if (single.size && multi.size && unpaired.length) gaps.push(`${backbone}: seed(s) ${unpaired.join(', ')} run by one method only (left out of the paired differences)`);
    if (seeds.length === 0) continue;
    for (const c of columns) {
      const pairs = seeds.map((s) => [(single.get(s) as MultitaskStudyRun).metrics[c.key] ?? NaN, (multi.get(s) as MultitaskStudyRun).metrics[c.key] ?? NaN] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      if (pairs.length === 0) continue;
      deltas.push({ backbone, key: c.key, diff: stat(pairs.map(([a, b]) => b - a)), ratio: stat(pairs.map(([a, b]) => b / a)).mean });
    }
  }
  return { columns, rows, deltas, gaps };
}
