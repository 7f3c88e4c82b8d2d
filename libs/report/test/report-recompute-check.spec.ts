import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { htmlTable, recomputeReportFromStore, renderSweepReport, type RenderedReport } from '../src/index.ts';
import { writeSyntheticSweep } from '../src/synthetic-sweep.ts';

// The check `workbench report check` runs on real reports (the smoke sweep's), here on a synthetic sweep shaped
// like it: collapsed cells, a method with two variants (selection), a failed run, a hole.
let dir: string;
let store: TrackingStore;
let rendered: RenderedReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-recompute-'));
  store = await openStore({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {} });
  const sweep = await writeSyntheticSweep(store, {
    experiment: 'check-sweep',
    datasets: ['d1', 'd2'],
    scenarios: ['keep50', 'keep10'],
    methods: { 'source-only': 0.4, unsupervised: 0.6, dallmi: 1.3 },
    sharedAcrossScenarios: ['source-only', 'unsupervised'],
    variants: { dallmi: [{ params: { 'target.lr': '0.001' }, shift: 0.3, valShift: -0.2 }, { params: { 'target.lr': '0.0001' }, shift: 0 }] },
    seeds: [1, 2, 3],
    rows: 30,
    labels: 4,
    noCurves: true,
    fail: (c) => c.method === 'dallmi' && c.seed === 3 && c.scenario === 'keep10' && c.dataset === 'd2',
    skip: (c) => c.method === 'unsupervised' && c.seed === 2 && c.dataset === 'd1',
  });
  rendered = await renderSweepReport({ store, sweepRunId: sweep.parentRunId, outDir: join(dir, 'out'), options: { bootstrap: { resamples: 30 } } });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the main table of report.html, recomputed from the store, is equal', async () => {
  const c = await recomputeReportFromStore(rendered.html, store);
  expect(c.failures).toEqual([]);
  expect(c.rows).toBe(2 * 2 * 3);
  // Per row: seeds, and n, mean and std of 6 metrics; plus one bootstrap estimate per row.
  expect(c.compared).toBe(12 * (1 + 6 * 3) + 12);
  expect(c.bootstrapChecked).toBe(12);
  const rows = htmlTable(readFileSync(rendered.html, 'utf8'), 'summary');
  expect(rows.filter((r) => r['method'] === 'source-only').map((r) => r['shared_across'])).toEqual(['keep50 keep10', 'keep50 keep10', 'keep50 keep10', 'keep50 keep10']);
});

test('a number that differs from the store is found and named', async () => {
  const bad = join(dir, 'tampered');
  cpSync(rendered.outDir, bad, { recursive: true });
  const html = readFileSync(join(bad, 'report.html'), 'utf8');
  const row = htmlTable(html, 'summary').find((r) => r['method'] === 'unsupervised' && r['dataset'] === 'd1' && r['scenario'] === 'keep10') as Record<string, string>;
  const mean = row['map_macro_mean'] as string;
  writeFileSync(join(bad, 'report.html'), html.replace(`data-v="${mean}"`, `data-v="${Number(mean) + 1e-6}"`));
  const json = JSON.parse(readFileSync(join(bad, 'report.json'), 'utf8'));
  json.summary[0].bootstrap.estimate += 1e-6;
  writeFileSync(join(bad, 'report.json'), JSON.stringify(json));
  const c = await recomputeReportFromStore(join(bad, 'report.html'), store);
  expect(c.failures).toEqual([
    expect.stringMatching(/^unsupervised on d1 \/ keep10: map_macro_mean is [\d.]+ in report\.html, [\d.]+ recomputed from the store$/),
    expect.stringMatching(new RegExp(`^${json.summary[0].method} on ${json.summary[0].dataset} / ${json.summary[0].scenario}: bootstrap estimate`)),
  ]);
});
