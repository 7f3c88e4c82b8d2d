import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, WorkbenchError } from '@workbench/core';
import { bootstrapCi, macroAveragePrecision, pairedBootstrapCi } from '@workbench/metrics';
import { openStore, type TrackingStore } from '@workbench/tracking';
import * as aq from 'arquero';
import { renderSweepReport, type RenderedReport } from '../src/index.ts';
import { writeSyntheticSweep, type SyntheticSweep } from '../src/synthetic-sweep.ts';

const RESAMPLES = 200;
let dir: string;
let store: TrackingStore;
let sweep: SyntheticSweep;
let rendered: RenderedReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-spec-'));
  store = await openStore({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {} });
  sweep = await writeSyntheticSweep(store, {
    experiment: 'spec-sweep',
    datasets: ['d1'],
    scenarios: ['keep10', 'keep50'],
    methods: { 'source-only': 0.4, 'partial-supervised': 0.9, dallmi: 1.4 },
    variants: { dallmi: [{ params: { 'target.lr': '0.001' }, shift: 0.5, valShift: -0.2 }, { params: { 'target.lr': '0.0001' }, shift: 0 }] },
    seeds: [1, 2, 3],
    rows: 40,
    labels: 4,
    fail: (c) => c.method === 'partial-supervised' && c.scenario === 'keep10' && c.seed === 2,
    skip: (c) => c.method === 'source-only' && c.scenario === 'keep50' && c.seed === 3,
    omit: (c) => (c.method === 'source-only' && c.seed === 1 ? ['map_hard'] : []),
  });
  rendered = await renderSweepReport({ store, sweepRunId: sweep.parentRunId, outDir: join(dir, 'out'), options: { bootstrap: { resamples: RESAMPLES } } });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The runs of one cell straight from the store (no report code): FINISHED children with these tags/params. */
async function cellRuns(method: string, scenario: string, lr?: string) {
  const page = await store.searchRuns({ experimentIds: [sweep.experimentId], tags: { 'mlflow.parentRunId': sweep.parentRunId, 'workbench.method': method }, params: { 'scenario.name': scenario, ...(lr ? { 'target.lr': lr } : {}) }, statuses: ['FINISHED'] });
  return page.runs.sort((a, b) => Number(a.data.params['seed']) - Number(b.data.params['seed']));
}

const latest = (run: { data: { metrics: { key: string; value: number }[] } }, key: string): number | undefined => run.data.metrics.find((m) => m.key === key)?.value;

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}

async function predictions(runId: string): Promise<{ ids: string[]; truth: number[][]; scores: number[][] }> {
  const lines = new TextDecoder().decode(await store.getArtifact(runId, 'predictions/target_test.jsonl')).trim().split('\n').slice(1).map((l) => JSON.parse(l));
  return { ids: lines.map((l) => l.id), truth: lines.map((l) => l.true), scores: lines.map((l) => l.scores) };
}

describe('report of a sweep in a SQLite store', () => {
  test('the summary table (report.json and summary.csv) equals means and sample stds recomputed from the store', async () => {
    const csv = aq.fromCSV(readFileSync(join(rendered.outDir, 'tables', 'summary.csv'), 'utf8')).objects() as Record<string, unknown>[];
    let checked = 0;
    for (const row of rendered.report.summary) {
      const runs = await cellRuns(row.method, row.scenario, row.method === 'dallmi' ? '0.0001' : undefined);
      expect(row.seeds).toEqual(runs.map((r) => Number(r.data.params['seed'])));
      const csvRow = csv.find((r) => r['method'] === row.method && r['scenario'] === row.scenario) as Record<string, number>;
      for (const metric of ['map_macro', 'map_micro', 'map_hard', 'f1_macro', 'roc_auc_macro', 'subset_accuracy']) {
        const xs = runs.map((r) => latest(r, metric)).filter((x): x is number => x !== undefined);
        const { mean, std } = meanStd(xs);
        expect(row.metrics[metric].n).toBe(xs.length);
        expect(row.metrics[metric].mean).toBeCloseTo(mean, 12);
        expect(csvRow[`${metric}_mean`]).toBeCloseTo(mean, 12);
        expect(csvRow[`${metric}_n`]).toBe(xs.length);
        if (xs.length > 1) {
          expect(row.metrics[metric].std).toBeCloseTo(std, 12);
          expect(csvRow[`${metric}_std`]).toBeCloseTo(std, 12);
        }
        checked++;
      }
    }
    expect(checked).toBe(6 * 6);
  });

  test('model selection picks the validation-best variant although the other is better on test', () => {
    const dallmi = rendered.report.summary.filter((s) => s.method === 'dallmi');
    expect(dallmi.map((s) => s.variant)).toEqual(['target.lr=0.0001', 'target.lr=0.0001']);
    const other = rendered.report.cells.find((c) => c.method === 'dallmi' && c.variant === 'target.lr=0.001' && c.scenario === 'keep50');
    expect(other?.metrics['map_macro'].mean).toBeGreaterThan(dallmi[1].metrics['map_macro'].mean);
    expect(rendered.report.selections.filter((s) => s.includes('selected target.lr=0.0001'))).toHaveLength(2);
    expect(readFileSync(rendered.markdown, 'utf8')).toContain('selected target.lr=0.0001 by mean target.val.map_macro_observed');
  });

  test('test-row bootstrap equals an independent bootstrapCi of macro AP over the same rows and seeds', async () => {
    const row = rendered.report.summary.find((s) => s.method === 'partial-supervised' && s.scenario === 'keep50');
    if (!row) throw new Error('no row');
    const preds = await Promise.all(row.runIds.map(predictions));
    const idx = preds[0].ids.map((_, i) => i);
    const metric = (_y: number[], rows: number[]): number => preds.reduce((a, p) => a + macroAveragePrecision(rows.map((i) => p.truth[i]), rows.map((i) => p.scores[i])).value, 0) / preds.length;
    const ci = bootstrapCi(idx, idx, metric, { resamples: RESAMPLES, rng: createRng(0).derive('report-bootstrap').derive('d1').derive('keep50') });
    expect(row.bootstrap.rows).toBe(40);
    expect(row.bootstrap.estimate).toBeCloseTo(ci.estimate, 12);
    expect(row.bootstrap.lower).toBeCloseTo(ci.lower, 12);
    expect(row.bootstrap.upper).toBeCloseTo(ci.upper, 12);
    expect(row.bootstrap.estimate).toBeCloseTo(row.metrics['map_macro'].mean, 5);
  });

  test('improvement over a baseline: paired bootstrap on shared seeds equals an independent pairedBootstrapCi', async () => {
    const imp = rendered.report.improvements.find((i) => i.method === 'dallmi' && i.baseline === 'source-only' && i.scenario === 'keep50');
    if (!imp) throw new Error('no improvement row');
    // source-only has no seed 3 in keep50: paired on seeds 1 and 2 only.
    expect(imp.sharedSeeds).toEqual([1, 2]);
    const a = await Promise.all((await cellRuns('dallmi', 'keep50', '0.0001')).filter((r) => r.data.params['seed'] !== '3').map((r) => predictions(r.info.runId)));
    const b = await Promise.all((await cellRuns('source-only', 'keep50')).map((r) => predictions(r.info.runId)));
    const idx = a[0].ids.map((_, i) => i);
    const meanAp = (ps: typeof a, rows: number[]): number => ps.reduce((s, p) => s + macroAveragePrecision(rows.map((i) => p.truth[i]), rows.map((i) => p.scores[i])).value, 0) / ps.length;
    // Each prediction row carries its method's runs, so one metric serves A and B on the same resampled rows.
    const paired = pairedBootstrapCi(
      idx,
      idx.map((i) => ({ i, runs: a })),
      idx.map((i) => ({ i, runs: b })),
      (_y, rows) => meanAp(rows[0].runs, rows.map((r) => r.i)),
      { resamples: RESAMPLES, rng: createRng(0).derive('report-bootstrap').derive('d1').derive('keep50') },
    );
    expect(paired.a).toBeCloseTo(imp.methodValue, 12);
    expect(paired.b).toBeCloseTo(imp.baselineValue, 12);
    expect(imp.absolute).toBeCloseTo(paired.difference.estimate, 12);
    expect(imp.absoluteLower).toBeCloseTo(paired.difference.lower, 12);
    expect(imp.absoluteUpper).toBeCloseTo(paired.difference.upper, 12);
    expect(imp.relative).toBeCloseTo((paired.a - paired.b) / paired.b, 12);
    expect(imp.relativeLower).toBeLessThan(imp.relative);
    expect(imp.relativeUpper).toBeGreaterThan(imp.relative);
    expect(imp.fractionBetter).toBeCloseTo(paired.fractionAGreater, 12);
  });

  test('failed and missing cells are listed, never averaged; a metric gap is a gap', () => {
    const missing = rendered.report.missing.map((m) => `${m.method} ${m.scenario} ${m.seed} ${m.status}`);
    expect(missing).toEqual(expect.arrayContaining(['partial-supervised keep10 2 FAILED', 'source-only keep50 3 MISSING']));
    expect(missing).toHaveLength(2);
    const ps = rendered.report.summary.find((s) => s.method === 'partial-supervised' && s.scenario === 'keep10');
    expect(ps?.seeds).toEqual([1, 3]);
    expect(ps?.warnings.join()).toContain('only 2 seeds');
    const so = rendered.report.summary.find((s) => s.method === 'source-only' && s.scenario === 'keep10');
    expect(so?.metrics['map_hard'].n).toBe(2);
    expect(so?.warnings.join()).toContain('map_hard logged by 2 of 3 seeds');
    const md = readFileSync(rendered.markdown, 'utf8');
    expect(md).toMatch(/partial-supervised \| {2}\| 2 \| FAILED/);
  });

  test('writes every output and logs them as artifacts of the sweep run', async () => {
    expect(rendered.svg.map((p) => p.split('/').pop())).toEqual(['map-vs-availability.svg', 'scenario-bars.svg', 'per-label-ap.svg', 'learning-curves.svg', 'wall-time.svg', 'ablation-table.svg']);
    for (const svg of rendered.svg) expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[^>]*>.*<path|<text/s);
    const html = readFileSync(rendered.html, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href="(?!data:)/i);
    expect(html).toContain('vegaEmbed(');
    expect(rendered.loggedTo).toBe(sweep.parentRunId);
    const logged = (await store.listArtifacts(sweep.parentRunId, 'report')).map((e) => e.path).sort();
    expect(logged).toEqual(['report/charts', 'report/report.html', 'report/report.json', 'report/report.md', 'report/tables']);
  });

  test('a sweep that does not exist: the message lists the sweeps and experiments that do', async () => {
    const err = await renderSweepReport({ store, sweepRunId: 'f'.repeat(32), outDir: join(dir, 'x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).message).toContain(`no sweep run '${'f'.repeat(32)}'`);
    expect((err as WorkbenchError).message).toContain(sweep.parentRunId);
    expect((err as WorkbenchError).message).toContain('spec-sweep');
    const noExp = await renderSweepReport({ store, experiment: 'nope', outDir: join(dir, 'x') }).catch((e: unknown) => e);
    expect((noExp as WorkbenchError).message).toMatch(/no experiment named 'nope'.*spec-sweep/);
  });

  test('an experiment without a FINISHED run: says what statuses it has', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'report-empty-'));
    const s2 = await openStore({ uri: 'sqlite:///mlflow.db', cwd: d2, env: {} });
    try {
      await writeSyntheticSweep(s2, { experiment: 'all-failed', datasets: ['d'], scenarios: ['keep50'], methods: { dallmi: 1 }, seeds: [1, 2], noCurves: true, fail: () => true });
      const err = await renderSweepReport({ store: s2, experiment: 'all-failed', outDir: join(d2, 'x') }).catch((e: unknown) => e);
      expect((err as WorkbenchError).code).toBe('TRACKING_NOT_FOUND');
      expect((err as WorkbenchError).message).toContain("experiment 'all-failed' has no FINISHED run (2 FAILED)");
    } finally {
      await s2.close();
      rmSync(d2, { recursive: true, force: true });
    }
  });
});
