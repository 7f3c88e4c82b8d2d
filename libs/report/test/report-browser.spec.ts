/**
 * The HTML report in a real browser: Debian's headless chromium driven by playwright-core. Every chart must
 * draw its marks, the console must stay free of errors, and the page must make no network request at all
 * (everything is inlined). Screenshots land in libs/report/test-output/ (gitignored) for a human look.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openStore } from '@workbench/tracking';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, checkReportInBrowser, renderSweepReport, type RenderedReport } from '../src/index.ts';
import { writeSyntheticSweep } from '../src/synthetic-sweep.ts';

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output');

let dir: string;
let rendered: RenderedReport;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  const store = await openStore({ uri: 'sqlite:///mlflow.db', cwd: dir, env: {} });
  try {
    const sweep = await writeSyntheticSweep(store, {
      experiment: 'browser-sweep',
      datasets: ['d1', 'd2'],
      scenarios: ['keep10', 'keep50', 'full'],
      methods: { 'source-only': 0.4, 'partial-supervised': 0.9, dallmi: 1.4 },
      variants: { dallmi: [{ params: { 'target.lr': '0.001' }, shift: 0.2 }, { params: { 'target.lr': '0.0001' }, shift: 0 }] },
      seeds: [1, 2, 3],
      rows: 40,
      labels: 6,
      fail: (c) => c.method === 'dallmi' && c.seed === 3 && c.scenario === 'full',
    });
    rendered = await renderSweepReport({ store, sweepRunId: sweep.parentRunId, outDir: join(dir, 'out'), options: { bootstrap: { resamples: 100 } } });
  } finally {
    await store.close();
  }
  // playwright's launch gives chromium a fresh temporary profile (its own --user-data-dir).
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every chart draws its marks, no console error, no network request', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(rendered.html).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => (globalThis as unknown as { __reportReady: Promise<unknown> }).__reportReady);
  const status = await page.evaluate(() => (globalThis as unknown as { __reportCharts: Record<string, string> }).__reportCharts);
  const names = rendered.specs.map((p) => p.split('/').pop()?.replace('.vl.json', ''));
  expect(names).toHaveLength(6);
  expect(Object.keys(status).sort()).toEqual([...names].sort());
  for (const name of names) {
    expect(`${name}: ${status[name as string]}`).toBe(`${name}: ok`);
    // Data marks (not axes or legends): vega's SVG puts them under g.role-mark.
    const marks = await page.locator(`#chart-${name} svg g.role-mark > *`).count();
    expect(`${name}: ${marks > 0 ? 'has marks' : 'no marks'}`).toBe(`${name}: has marks`);
  }
  // The bootstrap band and the line of the first chart, one heatmap cell per (method, label, panel).
  expect(await page.locator('#chart-per-label-ap svg g.mark-rect.role-mark > path').count()).toBe(2 * 3 * 3 * 6);
  expect(await page.locator('#chart-map-vs-availability svg g.mark-area.role-mark > path').count()).toBeGreaterThan(0);

  // Sortable tables: a click on a numeric header orders the rows by it.
  const header = page.locator('table[data-name="summary"] th', { hasText: /^map_macro_mean$/ });
  await header.click();
  const values = await page.locator('table[data-name="summary"] tbody tr').evaluateAll((rows, col) => rows.map((r) => Number((r as unknown as { cells: { getAttribute(n: string): string | null }[] }).cells[col as number].getAttribute('data-v'))), await header.evaluate((th) => Array.prototype.indexOf.call((th as unknown as { parentNode: { children: ArrayLike<unknown> } }).parentNode.children, th)));
  expect(values).toEqual([...values].sort((a, b) => a - b));

  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'report-full.png'), fullPage: true });
  for (const name of names) await page.locator(`#chart-${name}`).screenshot({ path: join(OUTPUT, `chart-${name}.png`) });
  expect(problems).toEqual([]);
  expect(requests).toEqual([]);
  await page.close();
});

test('checkReportInBrowser (workbench report check): passes this report, screenshots; names what breaks a tampered one', async () => {
  const ok = await checkReportInBrowser(rendered.html, { screenshotsDir: join(OUTPUT, 'check') });
  expect(ok.failures).toEqual([]);
  expect(ok.charts.map((c) => c.name)).toEqual(['map-vs-availability', 'scenario-bars', 'per-label-ap', 'learning-curves', 'wall-time', 'ablation-table']);
  for (const c of ok.charts) expect(c.marks).toBeGreaterThan(0);
  expect(ok.tables['summary']).toBe(2 * 3 * 3);
  expect(ok.screenshots).toHaveLength(7);
  // A chart whose data field does not exist draws nothing; a script logs an error.
  const bad = join(dir, 'tampered.html');
  writeFileSync(bad, readFileSync(rendered.html, 'utf8').replace('<div id="chart-wall-time"', '<script>console.error("boom")</script><div id="chart-wall-time"').replace(/("wall-time":\{[^]*?"data":\{"values":)\[[^\]]*\]/, '$1[]'));
  const c = await checkReportInBrowser(bad);
  expect(c.failures).toEqual(['chart wall-time: drew no data mark', 'console error: boom', expect.stringMatching(/^console warning: .*Infinite extent/)]);
});
