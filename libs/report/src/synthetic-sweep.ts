/**
 * Synthetic sweeps (tests, the 500-run benchmark, demos and notebooks) written through the tracking lib (Tracker / StoreRunLogger), shaped like what
 * libs/methods run-cell.ts and `workbench run` log: a parent run, one child per cell with the workbench tags, the
 * flattened config as params, per-epoch and final metrics, per-label AP and the target-test predictions.
 * Scores are drawn so that a method's quality knob orders the methods; the final metrics are computed from the
 * very predictions logged (rounded as the runner rounds), so a recomputation from the store must agree.
 */
import { Rng, deepMerge, flattenConfig } from '@workbench/core';
import { computeMultiLabelMetrics, multiLabelMetricRecord } from '@workbench/metrics';
import { Tracker, type TrackingStore } from '@workbench/tracking';

export interface SyntheticCell {
  dataset: string;
  scenario: string;
  method: string;
  seed: number;
  /** Hyper-parameters of the variant (flattened param keys), e.g. {'target.lr': '0.001'}. */
  variant: Record<string, string>;
}

export interface SyntheticSweepSpec {
  experiment: string;
  datasets: string[];
  scenarios: string[];
  /** Method name -> separation of positive and negative scores (higher = better). */
  methods: Record<string, number>;
  seeds: number[];
  /** Variants per method (default: one, no extra params); `shift` adds to the quality, `valShift` to validation only. */
  variants?: Record<string, { params: Record<string, string>; shift: number; valShift?: number }[]>;
  rows?: number;
  labels?: number;
  epochs?: number;
  /** Cells that end FAILED (no final metrics). */
  fail?: (c: SyntheticCell) => boolean;
  /** Cells never run (a hole in the grid). */
  skip?: (c: SyntheticCell) => boolean;
  /** Final metric keys a cell does not log (differing metric sets). */
  omit?: (c: SyntheticCell) => string[];
  /** Leave out per-epoch histories (faster generation). */
  noCurves?: boolean;
  /**
   * Methods that ignore the scenario (as source-only and unsupervised do): one run per (dataset, method,
   * variant, seed) stands for every scenario, as a real sweep collapses those grid points into one cell. The run
   * logs the first scenario; its label lists all of them (`source-only keep10|keep50 seed 1`).
   */
  sharedAcrossScenarios?: string[];
  /** What records the collapse: `sweep/cells.json` on the parent and the runs' label tag (default), only the label tag, or nothing. */
  cellRecord?: 'cells-json' | 'label' | 'none';
}

export interface SyntheticSweep {
  parentRunId: string;
  experimentId: string;
  /** Cell run ids, in creation order, with their cell. */
  cells: { runId: string; cell: SyntheticCell; status: 'FINISHED' | 'FAILED' }[];
}

/** An entry of `sweep/cells.json` as libs/sweep run-sweep.ts writes it (the fields the report reads). */
interface CellsJsonEntry {
  id: string;
  label: string;
  before: string;
  status: string;
  runId: string;
  config: Record<string, unknown>;
}

export async function writeSyntheticSweep(store: TrackingStore, spec: SyntheticSweepSpec): Promise<SyntheticSweep> {
  const tracker = new Tracker(store, { heartbeatMs: 0, userId: 'test' });
  const rows = spec.rows ?? 60;
  const L = spec.labels ?? 5;
  const epochs = spec.epochs ?? 3;
  const labelNames = Array.from({ length: L }, (_, j) => `label_${j}`);
  const parent = await tracker.startRun({ experiment: spec.experiment, runName: `sweep ${spec.experiment}`, tags: { 'workbench.sweep': 'synthetic', 'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567', 'workbench.backend': 'cpu' } });
  await parent.logParams({ 'sweep.seeds': spec.seeds.join(','), 'sweep.methods': Object.keys(spec.methods).join(',') });
  const out: SyntheticSweep = { parentRunId: parent.runId, experimentId: parent.experimentId, cells: [] };
  let t = 1_700_000_000_000;
  const cellRecord = spec.cellRecord ?? 'cells-json';
  const entries: CellsJsonEntry[] = [];
  for (const dataset of spec.datasets) {
    // The test set of a dataset: the same rows (ids, truth) for every scenario, method and seed.
    const truthRng = new Rng(`truth-${dataset}`);
    const truth = Array.from({ length: rows }, () => Uint8Array.from({ length: L }, (_, j) => (truthRng.next() < 0.15 + 0.1 * j ? 1 : 0)));
    for (const scenario of spec.scenarios) {
      const shared = (method: string): boolean => spec.sharedAcrossScenarios?.includes(method) ?? false;
      const keep = scenario === 'full' ? 1 : Number(/\d+/.exec(scenario)?.[0] ?? 50) / 100;
      for (const [method, quality] of Object.entries(spec.methods)) {
        for (const variant of spec.variants?.[method] ?? [{ params: {}, shift: 0 }]) {
          for (const seed of spec.seeds) {
            const cell: SyntheticCell = { dataset, scenario, method, seed, variant: variant.params };
            // A collapsed cell runs once, with the first scenario (the sweep runs the first point's config).
            if (spec.skip?.(cell) || (shared(method) && scenario !== spec.scenarios[0])) continue;
            const cellId = `${dataset}-${shared(method) ? '*' : scenario}-${method}-${JSON.stringify(variant.params)}-${seed}`;
            const varied = Object.entries(variant.params).map(([k, v]) => `${k}=${v}`);
            const label = [method, shared(method) ? spec.scenarios.join('|') : scenario, ...varied, `seed ${seed}`].join(' ');
            const run = await tracker.startRun({
              experimentId: parent.experimentId,
              parentRunId: parent.runId,
              runName: `${method} ${scenario} seed ${seed}`,
              startTime: t++,
              tags: { 'workbench.config_hash': cellId, 'workbench.backend': 'cpu', 'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567', ...(cellRecord === 'none' ? {} : { 'workbench.cell_label': label }) },
            });
            entries.push({ id: cellId, label, before: 'new', status: 'finished', runId: run.runId, config: { method, dataset, seed, scenario: { name: scenario } } });
            await run.setTags({ 'workbench.cell_id': cellId, 'workbench.method': method, 'workbench.dataset': dataset });
            await run.logParams(flattenConfig(deepMerge({ method, seed, dataset, scenario: { name: scenario }, backbone: { kind: 'ngram' }, target: { lr: '0.0001', epochs } }, unflatten(variant.params))));
            await run.logArtifactBytes('config.json', JSON.stringify({ method, seed, dataset, scenario: { name: scenario } }));
            const failed = spec.fail?.(cell) ?? false;
            const rng = new Rng(`scores-${cellId}`);
            const q = (quality + variant.shift) * (0.6 + 0.4 * keep);
            if (!spec.noCurves) {
              for (let e = 1; e <= epochs; e++) {
                await run.logMetrics({ 'target.test.map_macro': 0.3 + 0.1 * q * (e / epochs) + 0.01 * rng.next(), 'target.val.map_macro_observed': 0.2 + 0.1 * q * (e / epochs), 'target.train_loss': 1 / e + 0.05 * rng.next() }, e, t++);
              }
            }
            await run.logMetrics({ 'scenario.kept_fraction': keep }, 0, t++);
            if (failed) {
              (entries[entries.length - 1] as CellsJsonEntry).status = 'failed';
              await run.end('FAILED', t++);
              out.cells.push({ runId: run.runId, cell, status: 'FAILED' });
              continue;
            }
            const scores = truth.map((y) => Float64Array.from(y, (v) => Math.round((1 / (1 + Math.exp(-(q * (2 * v - 1) + rng.normal())))) * 1e6) / 1e6));
            const metrics = computeMultiLabelMetrics(truth, scores, { labelNames });
            const record = multiLabelMetricRecord(metrics);
            for (const k of spec.omit?.(cell) ?? []) delete record[k];
            record['target.val.map_macro_observed'] = 0.2 + 0.1 * q + (variant.valShift ?? 0) + 0.01 * rng.next();
            record['cost.wall_seconds'] = 10 + 5 * quality + rng.next();
            await run.logMetrics(record, epochs, t++);
            await run.logArtifactBytes('metrics/per_label.json', JSON.stringify(metrics.perLabel));
            const lines = [JSON.stringify({ labels: labelNames }), ...truth.map((y, i) => JSON.stringify({ id: `${dataset}-${i}`, scores: Array.from(scores[i]), true: Array.from(y) }))];
            await run.logArtifactBytes('predictions/target_test.jsonl', `${lines.join('\n')}\n`);
            await run.end('FINISHED', t++);
            out.cells.push({ runId: run.runId, cell, status: 'FINISHED' });
          }
        }
      }
    }
  }
  if (cellRecord === 'cells-json') await parent.logArtifactBytes('sweep/cells.json', `${JSON.stringify(entries, null, 2)}\n`);
  await parent.end('FINISHED', t++);
  return out;
}

function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]] = v;
  }
  return out;
}
