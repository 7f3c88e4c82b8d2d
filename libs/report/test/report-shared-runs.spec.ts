import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@workbench/core';
import { macroAveragePrecision, pairedBootstrapCi } from '@workbench/metrics';
import { METHODS } from '@workbench/methods';
import { openStore, type TrackingStore } from '@workbench/tracking';
import * as aq from 'arquero';
import { renderSweepReport, type RenderedReport } from '../src/index.ts';
import { writeSyntheticSweep, type SyntheticSweep, type SyntheticSweepSpec } from '../src/synthetic-sweep.ts';

// A sweep as `workbench sweep` writes it when a method ignores the scenario: source-only and unsupervised run
// once per seed (label `source-only keep50|keep10 seed 1`), recorded in sweep/cells.json and the label tag.
const RESAMPLES = 100;
const SPEC: SyntheticSweepSpec = {
  experiment: 'collapsed',
  datasets: ['d1'],
  scenarios: ['keep50', 'keep10'],
  methods: { 'source-only': 0.4, unsupervised: 0.6, 'partial-supervised': 0.9, dallmi: 1.3 },
  sharedAcrossScenarios: ['source-only', 'unsupervised'],
  seeds: [1, 2],
  rows: 30,
  labels: 3,
  epochs: 2,
};

let dir: string;
let store: TrackingStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-shared-'));
  store = await openStore({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {} });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function predictions(runId: string): Promise<{ truth: number[][]; scores: number[][] }> {
  const lines = new TextDecoder().decode(await store.getArtifact(runId, 'predictions/target_test.jsonl')).trim().split('\n').slice(1).map((l) => JSON.parse(l));
  return { truth: lines.map((l) => l.true), scores: lines.map((l) => l.scores) };
}

function runIdsOf(sweep: SyntheticSweep, method: string, scenario?: string): string[] {
  return sweep.cells.filter((c) => c.cell.method === method && (scenario === undefined || c.cell.scenario === scenario)).sort((a, b) => a.cell.seed - b.cell.seed).map((c) => c.runId);
}

describe('a sweep whose collapsed cells stand for several scenarios', () => {
  let sweep: SyntheticSweep;
  let r: RenderedReport;
  beforeAll(async () => {
    sweep = await writeSyntheticSweep(store, SPEC);
    r = await renderSweepReport({ store, sweepRunId: sweep.parentRunId, outDir: join(dir, 'sweep'), options: { bootstrap: { resamples: RESAMPLES } } });
  });

  test('the store holds one source-only run per seed, logged under keep50 only', () => {
    expect(runIdsOf(sweep, 'source-only')).toHaveLength(2);
    expect(sweep.cells.filter((c) => c.cell.method === 'source-only').map((c) => c.cell.scenario)).toEqual(['keep50', 'keep50']);
  });

  test('each shared run shows under keep50 AND keep10 with the same numbers and run ids; nothing is missing', () => {
    for (const method of ['source-only', 'unsupervised']) {
      const rows = r.report.summary.filter((s) => s.method === method);
      expect(rows.map((s) => s.scenario).sort()).toEqual(['keep10', 'keep50']);
      const [a, b] = rows;
      expect(a.runIds).toEqual(runIdsOf(sweep, method));
      expect(b.runIds).toEqual(a.runIds);
      expect(b.metrics).toEqual(a.metrics);
      expect(a.sharedScenarios).toEqual(['keep50', 'keep10']);
      expect(b.sharedScenarios).toEqual(['keep50', 'keep10']);
      // The bootstrap resamples a different stream per scenario, but over the same predictions: same estimate.
      expect(b.bootstrap.estimate).toBeCloseTo(a.bootstrap.estimate, 12);
    }
    for (const s of r.report.summary.filter((x) => x.method === 'dallmi' || x.method === 'partial-supervised')) expect(s.sharedScenarios).toEqual([]);
    expect(r.report.missing).toEqual([]);
    expect(r.report.warnings.join('\n')).not.toContain('missing');
  });

  test('the report says the rows are shared and why: statement, † in Markdown, shared_across in CSV and HTML', () => {
    expect(r.report.shared).toHaveLength(2);
    expect(r.report.shared[0]).toMatch(/^source-only on d1: each run \(seeds 1, 2\) stands for keep50, keep10: source-only does not depend on the scenario.*same runs.*sweep\/cells\.json/);
    const md = readFileSync(r.markdown, 'utf8');
    expect(md).toContain('| d1 | keep10 | source-only † ⚠ | 2 |');
    expect(md).toContain('† Shared across scenarios');
    const csv = aq.fromCSV(readFileSync(join(r.outDir, 'tables', 'summary.csv'), 'utf8')).objects() as Record<string, string>[];
    expect(csv.filter((x) => x['method'] === 'source-only').map((x) => x['shared_across'])).toEqual(['keep50 keep10', 'keep50 keep10']);
    expect(csv.find((x) => x['method'] === 'dallmi')?.['shared_across']).toBeNull();
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('Runs shared across scenarios');
    // Every run once in the runs table, with what it stands for.
    expect(r.report.runs).toHaveLength(sweep.cells.length);
    expect(r.report.runs.find((x) => x.method === 'unsupervised')?.sharedScenarios).toEqual(['keep50', 'keep10']);
  });

  test('the learning curves and per-label AP of a shared cell exist under both scenarios', () => {
    for (const sc of ['keep50', 'keep10']) {
      expect(r.report.curves.some((c) => c.method === 'source-only' && c.scenario === sc)).toBe(true);
      expect(r.report.perLabel.filter((p) => p.method === 'source-only' && p.scenario === sc)).toHaveLength(3);
    }
  });

  test('paired gains against the shared baseline under keep10 equal an independent pairedBootstrapCi', async () => {
    const imp = r.report.improvements.find((i) => i.method === 'dallmi' && i.baseline === 'source-only' && i.scenario === 'keep10');
    if (!imp) throw new Error('no dallmi vs source-only row under keep10');
    expect(imp.sharedSeeds).toEqual([1, 2]);
    const a = await Promise.all(runIdsOf(sweep, 'dallmi', 'keep10').map(predictions));
    const b = await Promise.all(runIdsOf(sweep, 'source-only').map(predictions));
    const idx = a[0].truth.map((_, i) => i);
    const meanAp = (ps: typeof a, rows: number[]): number => ps.reduce((s, p) => s + macroAveragePrecision(rows.map((i) => p.truth[i]), rows.map((i) => p.scores[i])).value, 0) / ps.length;
    const paired = pairedBootstrapCi(
      idx,
      idx.map((i) => ({ i, runs: a })),
      idx.map((i) => ({ i, runs: b })),
      (_y, rows) => meanAp(rows[0].runs, rows.map((x) => x.i)),
      { resamples: RESAMPLES, rng: createRng(0).derive('report-bootstrap').derive('d1').derive('keep10') },
    );
    expect(imp.baselineValue).toBeCloseTo(paired.b, 12);
    expect(imp.absolute).toBeCloseTo(paired.difference.estimate, 12);
    expect(imp.absoluteLower).toBeCloseTo(paired.difference.lower, 12);
    expect(imp.absoluteUpper).toBeCloseTo(paired.difference.upper, 12);
    expect(imp.fractionBetter).toBeCloseTo(paired.fractionAGreater, 12);
    // Under keep50 too, and unsupervised is compared with source-only once per scenario.
    expect(r.report.improvements.filter((i) => i.method === 'dallmi' && i.baseline === 'source-only').map((i) => i.scenario).sort()).toEqual(['keep10', 'keep50']);
    expect(r.report.improvements.filter((i) => i.method === 'unsupervised' && i.baseline === 'source-only')).toHaveLength(2);
  });
});

describe('reports of collapsed runs without sweep/cells.json', () => {
  test('as an experiment: the runs\' label tags say what they stand for', async () => {
    const s = await writeSyntheticSweep(store, { ...SPEC, experiment: 'collapsed-label', cellRecord: 'label', noCurves: true });
    const r = await renderSweepReport({ store, experiment: 'collapsed-label', outDir: join(dir, 'label'), options: { bootstrap: { resamples: 20 } } });
    expect(r.report.missing).toEqual([]);
    expect(r.report.summary.filter((x) => x.method === 'source-only').map((x) => x.runIds)).toEqual([runIdsOf(s, 'source-only'), runIdsOf(s, 'source-only')]);
    expect(r.report.shared[0]).toContain('run tag workbench.cell_label');
  });

  test("runs no sweep labelled: the method's dependsOn (no scenario key) decides; a method that depends on it is never shared", async () => {
    // partial-supervised depends on the scenario: with its keep10 runs skipped they are missing, not borrowed.
    await writeSyntheticSweep(store, { ...SPEC, experiment: 'collapsed-none', cellRecord: 'none', noCurves: true, skip: (c) => c.method === 'partial-supervised' && c.scenario === 'keep10' });
    const methodDependsOn = (m: string): readonly string[] | undefined => (METHODS.has(m) ? METHODS.get(m).dependsOn : undefined);
    const r = await renderSweepReport({ store, experiment: 'collapsed-none', outDir: join(dir, 'none'), methodDependsOn, options: { bootstrap: { resamples: 20 } } });
    expect(r.report.summary.filter((x) => x.method === 'unsupervised').map((x) => [x.scenario, x.sharedScenarios])).toEqual([
      ['keep10', ['keep10', 'keep50']],
      ['keep50', ['keep10', 'keep50']],
    ]);
    expect(r.report.shared.join('\n')).toContain("inferred from the method's declared dependsOn");
    expect(r.report.missing.map((m) => `${m.method} ${m.scenario} ${m.seed} ${m.status}`)).toEqual(['partial-supervised keep10 1 MISSING', 'partial-supervised keep10 2 MISSING']);
    // Without the methods' declarations (a caller that gives none) nothing is inferred: the gaps are listed.
    const bare = await renderSweepReport({ store, experiment: 'collapsed-none', outDir: join(dir, 'bare'), options: { bootstrap: { resamples: 20 } } });
    expect(bare.report.shared).toEqual([]);
    expect(bare.report.missing.filter((m) => m.method === 'source-only' && m.scenario === 'keep10')).toHaveLength(2);
  });

  test('a run of its own under a scenario wins over a shared one', async () => {
    // Every method ran under every scenario (no collapse recorded): nothing is copied, nothing is shared.
    await writeSyntheticSweep(store, { ...SPEC, experiment: 'not-collapsed', sharedAcrossScenarios: [], cellRecord: 'none', noCurves: true });
    const r = await renderSweepReport({ store, experiment: 'not-collapsed', outDir: join(dir, 'own'), options: { bootstrap: { resamples: 20 } } });
    const so = r.report.summary.filter((x) => x.method === 'source-only');
    expect(so).toHaveLength(2);
    expect(so[0].runIds).not.toEqual(so[1].runIds);
    expect(so.every((x) => x.sharedScenarios.length === 0)).toBe(true);
    expect(r.report.shared).toEqual([]);
  });
});
