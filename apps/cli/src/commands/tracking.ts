import { resolve } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { parseTrackingUri, resolveSpoolDir, syncSpool } from '@workbench/tracking';
import { exitState, type CliCommand } from '../command.ts';

/**
 * `workbench tracking sync`: replays the runs spooled while an MLflow tracking server was unreachable
 * (./.workbench/spool/*.jsonl, or WORKBENCH_SPOOL_DIR). Each file goes to the server it names unless
 * --tracking-uri says otherwise. Replaying is idempotent: nothing is logged twice, even if a replay is
 * repeated or was interrupted. Replayed files are renamed to *.jsonl.synced.
 */
export const trackingCommand: CliCommand = {
  register(program, io) {
    const tracking = program.command('tracking').description('MLflow tracking utilities');
    tracking
      .command('sync')
      .description('replay runs spooled while the tracking server was unreachable (idempotent)')
      .option('--tracking-uri <uri>', 'replay to this http(s) server instead of the one each spool file names')
      .option('--spool-dir <dir>', 'spool folder (default: WORKBENCH_SPOOL_DIR or ./.workbench/spool)')
      .option('--include-live', 'also replay spools that a running workbench process is still writing')
      .option('--json', 'print one JSON report per spool file')
      .action(async (opts: { trackingUri?: string; spoolDir?: string; includeLive?: boolean; json?: boolean }) => {
        if (opts.trackingUri !== undefined) {
          const parsed = parseTrackingUri({ uri: opts.trackingUri, source: '--tracking-uri' });
          if (parsed.scheme !== 'http' && parsed.scheme !== 'https') {
            throw new WorkbenchError('TRACKING_URI', `spooled runs replay to an MLflow tracking server; '${opts.trackingUri}' is not an http(s) URI`, {
              where: { source: '--tracking-uri' },
            });
          }
        }
        const dir = opts.spoolDir !== undefined ? resolve(opts.spoolDir) : resolveSpoolDir(process.cwd(), io.env);
        const reports = await syncSpool(dir, { uri: opts.trackingUri, includeLive: opts.includeLive, env: io.env, onRetry: (r) => io.err(`retry ${r.attempt} of ${r.endpoint} in ${(r.delayMs / 1000).toFixed(1)} s: ${r.reason}`) });
        if (reports.some((r) => !r.ok)) exitState.code = 1;
        if (opts.json) {
          io.out(JSON.stringify(reports, null, 2));
          return;
        }
        if (reports.length === 0) {
          io.out(`nothing to sync in ${dir}`);
          return;
        }
        for (const r of reports) {
          if (r.skipped) io.out(`skipped ${r.file}: ${r.skipped} (it replays itself when the server is back; --include-live to replay it anyway)`);
          else if (r.ok) {
            const run = r.serverRunId === r.localRunId ? `run ${r.serverRunId}` : `run ${r.localRunId} -> ${r.serverRunId}`;
            io.out(`synced ${r.file}: ${run} on ${r.uri} (${r.metricsSent} metric points sent, ${r.metricsAlreadyPresent} already there)`);
          } else {
            io.err(`not synced ${r.file}: ${r.error} (the file is kept; run the command again later)`);
          }
        }
      });
  },
};
