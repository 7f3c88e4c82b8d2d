/**
 * Benchmark (not a test): report generation for a sweep of 500 cell runs in a SQLite store.
 * 2 datasets x 5 scenarios x 5 methods x 2 hyper-parameter variants x 5 seeds; 300 test rows x 10 labels of
 * predictions per run; 5 epochs of curves. Generation is not timed; `renderSweepReport` (read, aggregate,
 * bootstraps, SVGs, HTML, logging the report to the parent run) is, with 1000 and 200 resamples.
 * Run: npx tsx libs/report/bench/report-bench.ts [--runs-only]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@workbench/tracking';
import { renderSweepReport, writeSyntheticSweep } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'report-bench-'));
const store = await openStore({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {} });
try {
  let t = performance.now();
  const sweep = await writeSyntheticSweep(store, {
    experiment: 'bench-500',
    datasets: ['d1', 'd2'],
    scenarios: ['keep10', 'keep30', 'keep50', 'keep70', 'full'],
    methods: { 'source-only': 0.4, 'partial-supervised': 0.8, unsupervised: 0.6, vpu: 1.0, dallmi: 1.3 },
    variants: Object.fromEntries(['source-only', 'partial-supervised', 'unsupervised', 'vpu', 'dallmi'].map((m) => [m, [{ params: { 'target.lr': '0.001' }, shift: 0.1 }, { params: { 'target.lr': '0.0001' }, shift: 0 }]])),
    seeds: [1, 2, 3, 4, 5],
    rows: 300,
    labels: 10,
    epochs: 5,
  });
  console.log(`generated ${sweep.cells.length} runs in ${((performance.now() - t) / 1000).toFixed(1)} s (not part of the figure)`);
  // Default settings (1000 bootstrap resamples), then 200 resamples: the difference is the bootstrap's share.
  for (const [i, resamples] of [[1, 1000], [2, 200]] as const) {
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await renderSweepReport({ store, sweepRunId: sweep.parentRunId, outDir: join(dir, `out${i}`), options: { bootstrap: { resamples } } });
    const s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time beside wall time: on a shared machine the wall time mostly measures the other processes.
    console.log(`report ${i} (${resamples} resamples): ${s.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}, for ${r.report.runs.length} runs (${r.report.summary.length} selected cells, ${r.report.improvements.length} paired comparisons, ${r.files.length} files)`);
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
