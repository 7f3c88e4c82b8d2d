import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { WorkbenchError } from '@workbench/core';
import { METHODS } from '@workbench/methods';
import { TrackingReader } from '@workbench/tracking';
import { exitState, type CliCommand, type CliIO } from '../command.ts';
import { positiveInt } from '../options.ts';

interface ReportFlags {
  sweep?: string;
  experiment?: string;
  out?: string;
  trackingUri?: string;
  baseline: string[];
  resamples?: number;
  logArtifacts: boolean;
  json?: boolean;
}

function confidence(value: string): number {
  const c = Number(value);
  if (!(c > 0 && c < 1)) throw new InvalidArgumentError(`--confidence must be in (0, 1), got '${value}'`);
  return c;
}

/** `workbench report`: the comparison report (HTML, Markdown, CSV, SVG) of a sweep or an experiment. */
export const reportCommand: CliCommand = {
  register(program, io) {
    const report = program.command('report').description('comparison report of a sweep (parent run) or an experiment: tables over seeds with intervals, charts, self-contained HTML');
    report
      .command('render', { isDefault: true })
      .description('render the report (the default: `workbench report --sweep <run_id>`)')
      .option('--sweep <run_id>', "the sweep's parent run id")
      .option('--experiment <name>', 'every cell run of an experiment (name or id)')
      .option('--out <dir>', 'output folder (default: reports/<sweep id or experiment>)')
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--baseline <method>', 'a baseline method to compare every method with (repeatable; default: the known baselines present)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--resamples <n>', 'bootstrap resamples of the test rows (default 1000)', positiveInt('--resamples'))
      .option('--confidence <c>', 'coverage of the intervals (default 0.95)', confidence)
      .option('--no-log-artifacts', 'do not log the report as artifacts of the sweep run')
      .option('--json', 'print the written paths as JSON')
      .action(async (flags: ReportFlags & { confidence?: number }) => {
        if ((flags.sweep === undefined) === (flags.experiment === undefined)) {
          throw new WorkbenchError('CLI_USAGE', 'give exactly one of --sweep <run_id> or --experiment <name>', { where: { source: '--sweep / --experiment' } });
        }
        const outDir = flags.out ?? join('reports', flags.sweep ?? (flags.experiment as string).replace(/[^\w.-]+/g, '_'));
        const options: Record<string, unknown> = {};
        if (flags.baseline.length) options['baselines'] = flags.baseline;
        if (flags.resamples !== undefined || flags.confidence !== undefined) {
          options['bootstrap'] = { ...(flags.resamples !== undefined ? { resamples: flags.resamples } : {}), ...(flags.confidence !== undefined ? { confidence: flags.confidence } : {}) };
        }
        if (flags.confidence !== undefined) options['confidence'] = flags.confidence;
        // Loaded on use: vega, vega-lite and arquero stay out of every other command's start-up.
        const { renderSweepReport } = await import('@workbench/report');
        const r = await renderSweepReport({
          trackingUri: flags.trackingUri,
          env: io.env,
          sweepRunId: flags.sweep,
          experiment: flags.experiment,
          outDir,
          // Runs no sweep labelled (workbench run): a method that ignores the scenario stands for every scenario.
          methodDependsOn: (m) => (METHODS.has(m) ? METHODS.get(m).dependsOn : undefined),
          options,
          logArtifacts: flags.sweep !== undefined && flags.logArtifacts,
        });
        if (flags.json) {
          io.out(JSON.stringify({ outDir: r.outDir, html: r.html, markdown: r.markdown, data: r.data, csv: r.csv, svg: r.svg, loggedTo: r.loggedTo ?? null, seconds: r.seconds }, null, 2));
          return;
        }
        const d = r.report;
        io.out(`report: ${r.html}`);
        io.out(`  ${d.summary.length} cells (${d.runs.filter((x) => x.status === 'FINISHED').length} finished runs), ${d.improvements.length} comparisons, ${d.missing.length} missing/failed, ${d.warnings.length} warnings; ${r.seconds.toFixed(1)} s`);
        io.out(`  markdown ${r.markdown}; tables ${join(r.outDir, 'tables')}; charts ${join(r.outDir, 'charts')}`);
        if (r.loggedTo) io.out(`  logged as artifacts of run ${r.loggedTo} under report/`);
      });
    report
      .command('check <report_html>')
      .description('check a rendered report: opens it in headless chromium (every chart drew marks, no console error, no network request; screenshots) and recomputes its main table from the tracking store')
      .option('--tracking-uri <uri>', 'the store to recompute from (default: the one the report was rendered from, in report.json)')
      .option('--screenshots <dir>', 'where the screenshots go (default: <report dir>/check)')
      .option('--chromium <path>', "chromium binary (default: $CHROMIUM or Debian's /usr/bin/chromium)")
      .option('--no-browser', 'skip the browser check')
      .option('--no-recompute', 'skip the recomputation from the store')
      .action(async (html: string, flags: { trackingUri?: string; screenshots?: string; chromium?: string; browser: boolean; recompute: boolean }) => {
        exitState.code = (await checkReport(html, flags, io)) ? 0 : 1;
      });
  },
};

/** `workbench report check`: both checks, a summary line each; false when either failed. */
async function checkReport(html: string, flags: { trackingUri?: string; screenshots?: string; chromium?: string; browser: boolean; recompute: boolean }, io: CliIO): Promise<boolean> {
  const mod = await import('@workbench/report');
  let ok = true;
  if (flags.browser) {
    const c = await mod.checkReportInBrowser(html, { screenshotsDir: flags.screenshots ?? join(dirname(resolve(html)), 'check'), chromium: flags.chromium, env: io.env });
    for (const line of mod.describeBrowserCheck(c)) io.out(line);
    ok &&= c.failures.length === 0;
  }
  if (flags.recompute) {
    let uri = flags.trackingUri;
    if (uri === undefined) {
      const json = join(dirname(resolve(html)), 'report.json');
      try {
        uri = (JSON.parse(readFileSync(json, 'utf8')) as { storeUri?: string }).storeUri;
      } catch (e) {
        throw new WorkbenchError('IO', `cannot read ${json} (written beside every report.html): ${(e as Error).message}`, { where: { file: json } });
      }
    }
    const reader = await TrackingReader.open({ uri, env: io.env, readOnly: true });
    try {
      const c = await mod.recomputeReportFromStore(html, reader.store);
      for (const line of mod.describeRecomputeCheck(c)) io.out(line);
      ok &&= c.failures.length === 0;
    } finally {
      await reader.close();
    }
  }
  return ok;
}
