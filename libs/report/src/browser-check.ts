/**
 * Opens a rendered report in Debian's headless chromium (playwright-core) and checks what a reader would see:
 * every chart embedded without error and drew data marks, the console stayed free of errors and warnings, and
 * the page made no network request at all. Screenshots of the page and of each chart are kept.
 * Used by the browser spec and by `workbench report check <report.html>` on any report, e.g. the smoke sweep's.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkbenchError } from '@workbench/core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface BrowserCheckOptions {
  /** Where the screenshots go (created); none when absent. */
  screenshotsDir?: string;
  /** The chromium binary (default Debian's /usr/bin/chromium, or $CHROMIUM). */
  chromium?: string;
  /** Give up on the charts after this long (default 60 s: vega on a busy 2-core machine). */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export interface ChartCheck {
  name: string;
  /** 'ok', or the embedding error. */
  status: string;
  /** Data marks drawn (children of vega's `g.role-mark` groups: not axes, legends or titles). */
  marks: number;
}

export interface BrowserCheck {
  html: string;
  charts: ChartCheck[];
  /** Console errors and warnings, and uncaught page errors. */
  console: string[];
  /** Every request other than the page itself (any is a failure: the report is self-contained). */
  requests: string[];
  screenshots: string[];
  /** Rows per table in the page (table name -> rows), a sanity check that the tables are there. */
  tables: Record<string, number>;
  /** Every failure, in words; empty when the report passed. */
  failures: string[];
  seconds: number;
}

/** Checks a report HTML file in headless chromium. Fails (WorkbenchError) only when the check cannot run at all. */
export async function checkReportInBrowser(htmlPath: string, options: BrowserCheckOptions = {}): Promise<BrowserCheck> {
  const t0 = performance.now();
  const html = resolve(htmlPath);
  if (!existsSync(html)) throw new WorkbenchError('IO', `no report at ${html}`, { where: { file: html } });
  const executablePath = options.chromium ?? options.env?.['CHROMIUM'] ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) {
    throw new WorkbenchError('IO', `no chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM`, { where: { source: 'chromium' } });
  }
  // A dev dependency of the workspace, loaded on use: only this check drives a browser.
  const { chromium } = await import('playwright-core');
  // playwright's launch gives chromium a fresh temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const url = pathToFileURL(html).href;
    const consoleLines: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const failures: string[] = [];
    const timeoutMs = options.timeoutMs ?? 60_000;
    const ready = await page.evaluate(
      (ms) =>
        Promise.race([
          Promise.resolve((globalThis as unknown as { __reportReady?: Promise<unknown> }).__reportReady).then(() => 'ready'),
          new Promise<string>((done) => setTimeout(() => done('timeout'), ms)),
        ]),
      timeoutMs,
    );
    if (ready !== 'ready') failures.push(`the charts did not finish within ${timeoutMs / 1000} s`);
    const status = (await page.evaluate(() => (globalThis as unknown as { __reportCharts?: Record<string, string> }).__reportCharts ?? {})) as Record<string, string>;
    const names = await page.locator('[data-chart]').evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('data-chart')));
    if (names.length === 0) failures.push('the page has no chart');
    const charts: ChartCheck[] = [];
    for (const name of names) {
      const marks = await page.locator(`#chart-${name} svg g.role-mark > *`).count();
      const chart = { name, status: status[name] ?? 'not embedded', marks };
      charts.push(chart);
      if (chart.status !== 'ok') failures.push(`chart ${name}: ${chart.status}`);
      else if (marks === 0) failures.push(`chart ${name}: drew no data mark`);
    }
    const tables = Object.fromEntries(
      await page.locator('table.sortable').evaluateAll((els) =>
        els.map((e) => {
          const t = e as unknown as { getAttribute(n: string): string; tBodies: { rows: { length: number } }[] };
          return [t.getAttribute('data-name'), t.tBodies[0]?.rows.length ?? 0] as [string, number];
        }),
      ),
    ) as Record<string, number>;
    if (!tables['summary']) failures.push('the page has no summary table rows');
    const screenshots: string[] = [];
    if (options.screenshotsDir) {
      const dir = resolve(options.screenshotsDir);
      mkdirSync(dir, { recursive: true });
      const full = join(dir, 'report-full.png');
      await page.screenshot({ path: full, fullPage: true });
      screenshots.push(full);
      for (const name of names) {
        const path = join(dir, `chart-${name}.png`);
        await page.locator(`#chart-${name}`).screenshot({ path });
        screenshots.push(path);
      }
    }
    for (const line of consoleLines) failures.push(`console ${line}`);
    for (const r of requests) failures.push(`network request ${r}`);
    await page.close();
    return { html, charts, console: consoleLines, requests, screenshots, tables, failures, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await browser.close();
  }
}

/** The check as lines for a terminal. */
export function describeBrowserCheck(c: BrowserCheck): string[] {
  return [
    `${c.failures.length === 0 ? 'PASS' : 'FAIL'} browser check of ${c.html} (${c.seconds.toFixed(1)} s, headless chromium)`,
    ...c.charts.map((ch) => `  chart ${ch.name}: ${ch.status}, ${ch.marks} data marks`),
    `  tables: ${Object.entries(c.tables).map(([k, v]) => `${k} ${v} rows`).join(', ') || 'none'}`,
    `  console errors/warnings: ${c.console.length}; network requests: ${c.requests.length}`,
    ...(c.screenshots.length ? [`  screenshots: ${c.screenshots.length} in ${c.screenshots[0]?.replace(/\/[^/]+$/, '')}`] : []),
    ...c.failures.map((f) => `  failure: ${f}`),
  ];
}
