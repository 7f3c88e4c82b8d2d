import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './report-data.ts';

/** A chart of the report: a vega-lite spec with its data inlined (rendered in the HTML and to SVG). */
export interface ReportChart {
  /** File stem: `charts/<name>.svg`, `charts/<name>.vl.json`. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** NaN is not JSON: gaps become null, which vega-lite leaves out of marks. */
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Every chart, in report order; a chart with no data (e.g. no per-epoch metrics) is left out. */
export function buildCharts(data: ReportData): ReportChart[] {
  const charts = [availabilityChart(data), scenarioBarsChart(data), perLabelHeatmap(data), learningCurves(data), wallTimeChart(data), ablationTable(data)];
  return charts.filter((c): c is ReportChart => c !== undefined);
}

function availabilityChart(data: ReportData): ReportChart | undefined {
  const m = data.primaryMetric;
  const values = data.summary
    .filter((s) => Number.isFinite(s.availability))
    .map((s) => ({
      dataset: s.dataset,
      method: s.method,
      availability: s.availability,
      mean: num(s.metrics[m]?.mean ?? Number.NaN),
      lower: num(Number.isFinite(s.bootstrap.lower) ? s.bootstrap.lower : (s.metrics[m]?.tLower ?? Number.NaN)),
      upper: num(Number.isFinite(s.bootstrap.upper) ? s.bootstrap.upper : (s.metrics[m]?.tUpper ?? Number.NaN)),
    }));
  if (values.length === 0) return undefined;
  return {
    name: 'map-vs-availability',
    title: `${m} against label availability (band: ${ciLabel(data)})`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: { field: 'dataset', type: 'nominal', title: 'dataset' } },
      spec: {
        width: 320,
        height: 240,
        encoding: {
          x: { field: 'availability', type: 'quantitative', title: 'fraction of positive labels kept', axis: { format: '.0%' } },
          color: { field: 'method', type: 'nominal' },
        },
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lower', type: 'quantitative', title: m, scale: { zero: false } }, y2: { field: 'upper' } } },
          { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative' }, tooltip: tooltip(['method', 'availability', 'mean', 'lower', 'upper']) } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec,
  };
}

function scenarioBarsChart(data: ReportData): ReportChart | undefined {
  const m = data.primaryMetric;
  const values = data.summary.map((s) => ({
    dataset: s.dataset,
    scenario: s.scenario,
    method: s.method,
    mean: num(s.metrics[m]?.mean ?? Number.NaN),
    lower: num(s.metrics[m]?.tLower ?? Number.NaN),
    upper: num(s.metrics[m]?.tUpper ?? Number.NaN),
  }));
  if (values.length === 0) return undefined;
  return {
    name: 'scenario-bars',
    title: `${m} per scenario (error bars: ${Math.round(data.confidence * 100)}% t-interval over seeds)`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: { field: 'dataset', type: 'nominal' } },
      spec: {
        width: { step: 14 },
        height: 200,
        encoding: {
          x: { field: 'scenario', type: 'nominal', title: 'scenario' },
          xOffset: { field: 'method', type: 'nominal' },
          color: { field: 'method', type: 'nominal' },
        },
        layer: [
          // Metrics are fractions: a t-interval of 2-3 seeds may pass 1; it is clipped at the axis, not rescaled.
          { mark: 'bar', encoding: { y: { field: 'mean', type: 'quantitative', title: m, scale: { domain: [0, 1] } }, tooltip: tooltip(['method', 'scenario', 'mean', 'lower', 'upper']) } },
          { mark: { type: 'rule', color: 'black', clip: true }, encoding: { y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } } },
        ],
      },
    } as TopLevelSpec,
  };
}

function perLabelHeatmap(data: ReportData): ReportChart | undefined {
  const values = data.perLabel.map((p) => ({ panel: `${p.dataset} / ${p.scenario}`, method: p.method, label: p.label, ap: num(p.ap), seeds: p.seeds }));
  if (values.length === 0) return undefined;
  return {
    name: 'per-label-ap',
    title: 'Per-label AP (mean over seeds; blank: no positive in the test rows)',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: { field: 'panel', type: 'nominal', title: null } },
      spec: {
        width: { step: 16 },
        height: { step: 16 },
        mark: 'rect',
        encoding: {
          x: { field: 'label', type: 'nominal', title: 'label' },
          y: { field: 'method', type: 'nominal', title: null },
          color: { field: 'ap', type: 'quantitative', title: 'AP', scale: { domain: [0, 1], scheme: 'viridis' } },
          tooltip: tooltip(['method', 'label', 'ap', 'seeds']),
        },
      },
    } as TopLevelSpec,
  };
}

function learningCurves(data: ReportData): ReportChart | undefined {
  const values = data.curves.map((c) => ({ panel: `${c.dataset} / ${c.scenario}`, method: c.method, metric: c.metric, step: c.step, mean: num(c.mean), n: c.n }));
  if (values.length === 0) return undefined;
  return {
    name: 'learning-curves',
    title: 'Learning curves (mean over seeds per epoch)',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: { field: 'panel', type: 'nominal', title: null }, column: { field: 'metric', type: 'nominal', title: null } },
      spec: {
        width: 200,
        height: 140,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'epoch' },
          y: { field: 'mean', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'method', type: 'nominal' },
          tooltip: tooltip(['method', 'metric', 'step', 'mean', 'n']),
        },
      },
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec,
  };
}

function wallTimeChart(data: ReportData): ReportChart | undefined {
  const values = data.summary.filter((s) => s.wallSeconds.n > 0).map((s) => ({ dataset: s.dataset, scenario: s.scenario, method: s.method, seconds: num(s.wallSeconds.mean), n: s.wallSeconds.n }));
  if (values.length === 0) return undefined;
  return {
    name: 'wall-time',
    title: 'Wall time per cell run (mean over seeds and scenarios)',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: { field: 'dataset', type: 'nominal' } },
      spec: {
        width: { step: 22 },
        height: 200,
        mark: 'bar',
        encoding: {
          x: { field: 'method', type: 'nominal', title: null },
          y: { aggregate: 'mean', field: 'seconds', type: 'quantitative', title: 'seconds' },
          color: { field: 'method', type: 'nominal', legend: null },
          tooltip: [
            { field: 'method', type: 'nominal' },
            { aggregate: 'mean', field: 'seconds', type: 'quantitative', format: '.1f' },
          ],
        },
      },
    } as TopLevelSpec,
  };
}

/** Every variant of every method (selected ones marked): the ablation table, drawn as text marks. */
function ablationTable(data: ReportData): ReportChart | undefined {
  const m = data.primaryMetric;
  const values = data.cells.map((c) => ({
    row: `${c.selected ? '* ' : '  '}${c.method}${c.variant ? ` [${c.variant}]` : ''}`,
    column: `${c.dataset} / ${c.scenario}`,
    text: Number.isFinite(c.metrics[m]?.mean ?? Number.NaN)
      ? `${(c.metrics[m] as { mean: number }).mean.toFixed(3)} ± ${Number.isFinite(c.metrics[m]?.std ?? Number.NaN) ? (c.metrics[m] as { std: number }).std.toFixed(3) : '–'} (val ${Number.isFinite(c.validation.mean) ? c.validation.mean.toFixed(3) : '–'}, n=${c.seeds.length})`
      : '–',
  }));
  if (values.length === 0) return undefined;
  return {
    name: 'ablation-table',
    title: `Ablation: every method and variant, test ${m} mean ± std (validation ${data.validationMetric}); * = selected`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      width: { step: 230 },
      height: { step: 20 },
      mark: { type: 'text', align: 'left', dx: -105 },
      encoding: {
        x: { field: 'column', type: 'nominal', axis: { orient: 'top', labelAngle: 0, title: null } },
        y: { field: 'row', type: 'nominal', title: null, axis: { labelLimit: 400 } },
        text: { field: 'text', type: 'nominal' },
      },
      config: { view: { stroke: null } },
    } as TopLevelSpec,
  };
}

function ciLabel(data: ReportData): string {
  return `${Math.round(data.bootstrap.confidence * 100)}% test-row bootstrap, ${data.bootstrap.resamples} resamples`;
}

function tooltip(fields: string[]): { field: string; type: 'nominal' | 'quantitative'; format?: string }[] {
  const nominal = new Set(['method', 'scenario', 'dataset', 'label', 'metric']);
  return fields.map((f) => (nominal.has(f) ? { field: f, type: 'nominal' } : { field: f, type: 'quantitative', format: '.4~f' }));
}
