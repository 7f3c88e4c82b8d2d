import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DeepPartial } from '@workbench/core';
import { TrackingReader } from '@workbench/tracking';
import { buildReportData } from './build-report.ts';
import { buildCharts } from './charts.ts';
import { loadReportInput, type ReportSource } from './load-report-input.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportData } from './report-data.ts';
import { resolveReportOptions, type ReportOptions } from './report-options.ts';
import { reportTables, tableCsv } from './report-tables.ts';
import { renderHtml } from './render-html.ts';
import { renderSvg } from './render-svg.ts';

export interface RenderReportOptions extends ReportSource {
  /** Folder the report is written to (created). */
  outDir: string;
  options?: DeepPartial<ReportOptions>;
  /** Log the written files as artifacts of the sweep's parent run, under `report/`. Default: true for a sweep. */
  logArtifacts?: boolean;
}

export interface RenderedReport {
  outDir: string;
  html: string;
  markdown: string;
  data: string;
  csv: string[];
  svg: string[];
  specs: string[];
  /** Every file written, absolute. */
  files: string[];
  /** The parent run the files were logged to, if any. */
  loggedTo: string | undefined;
  report: ReportData;
  seconds: number;
}

/** Where the report lands among the parent run's artifacts. */
export const REPORT_ARTIFACT_DIR = 'report';

/**
 * The report of a sweep (its parent run's children) or of an experiment: `report.html` (self-contained),
 * `report.md`, `report.json`, `tables/*.csv`, `charts/*.svg` and `charts/*.vl.json`; logged as artifacts of the
 * sweep's parent run when reporting a sweep.
 */
export async function renderSweepReport(options: RenderReportOptions): Promise<RenderedReport> {
  const t0 = performance.now();
  const ownStore = options.store === undefined;
  const reader = options.store
    ? new TrackingReader(options.store)
    : await TrackingReader.open({ uri: options.trackingUri, env: options.env, readOnly: !(options.logArtifacts ?? options.sweepRunId !== undefined) });
  try {
    const input = await loadReportInput(options, reader);
    const report = await buildReportData(input, resolveReportOptions(options.options));
    const charts = buildCharts(report);
    const tables = reportTables(report);
    const outDir = resolve(options.outDir);
    await mkdir(join(outDir, 'tables'), { recursive: true });
    await mkdir(join(outDir, 'charts'), { recursive: true });
    const files: string[] = [];
    const write = async (rel: string, text: string): Promise<string> => {
      const path = join(outDir, rel);
      await writeFile(path, text);
      files.push(path);
      return path;
    };
    const csv: string[] = [];
    for (const t of tables) csv.push(await write(`tables/${t.name}.csv`, tableCsv(t)));
    const svg: string[] = [];
    const specs: string[] = [];
    for (const c of charts) {
      specs.push(await write(`charts/${c.name}.vl.json`, `${JSON.stringify(c.spec, null, 1)}\n`));
      svg.push(await write(`charts/${c.name}.svg`, await renderSvg(c.spec)));
    }
    const markdown = await write('report.md', renderMarkdown(report, charts));
    const data = await write('report.json', `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`);
    const html = await write('report.html', renderHtml(report, charts, tables));
    let loggedTo: string | undefined;
    if (input.parent && (options.logArtifacts ?? true)) {
      await reader.store.putArtifactDir(input.parent.info.runId, outDir, REPORT_ARTIFACT_DIR);
      loggedTo = input.parent.info.runId;
    }
    return { outDir, html, markdown, data, csv, svg, specs, files, loggedTo, report, seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (ownStore) await reader.close();
  }
}
