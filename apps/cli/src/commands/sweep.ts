import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { readSweepSpec, runSweep, sweepSchema, type SweepResult } from '@workbench/sweep';
import { exitState, type CliCommand, type CliIO } from '../command.ts';
import { positiveInt } from '../options.ts';
import { workbenchVersion } from '../version.ts';

interface SweepFlags {
  config?: string;
  workers?: number;
  dryRun?: boolean;
  filter?: string;
  rerunStale?: boolean;
  trackingUri?: string;
  cacheDir: string;
  report: boolean;
}

const FILTER_HELP = 'run only matching cells: comma-separated clauses path=value or path!=value, alternatives with |; paths are config paths, preset, id (prefix) or label (substring); e.g. method=dallmi|vpu,scenario.name=keep10,seed!=2';

/** `workbench sweep <spec>`: run (or resume) a sweep; `workbench sweep schema`: its JSON Schema for editors. */
export const sweepCommand: CliCommand = {
  register(program, io) {
    const sweep = program.command('sweep').description('run a sweep spec (YAML/JSON): every cell not yet done, in parallel workers, resumable');
    sweep
      .command('run [spec]', { isDefault: true })
      .description('run or resume a sweep (the default: `workbench sweep <spec>`)')
      .option('--config <file>', 'the sweep spec (instead of the positional argument; the last one given wins)')
      .option('--workers <n>', 'worker processes (default: the spec\'s workers, else one per core)', positiveInt('--workers'))
      .option('--dry-run', 'print the cells with their status (done / stale / failed / to run) and run nothing')
      .option('--filter <expr>', FILTER_HELP)
      .option('--rerun-stale', 'also rerun cells FINISHED from another git commit')
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--cache-dir <dir>', 'cache of shared stages (stage 1), shared by the workers', '.workbench/cache')
      .option('--no-report', 'do not render the report at the end')
      .action(async (spec: string | undefined, flags: SweepFlags) => {
        const file = flags.config ?? spec;
        if (!file) throw new WorkbenchError('CLI_USAGE', 'give a sweep spec: workbench sweep <spec.yaml> (or --config <spec.yaml>)');
        const parsed = readSweepSpec(file);
        const result = await runSweep(parsed, {
          workers: flags.workers,
          trackingUri: flags.trackingUri,
          env: io.env,
          dryRun: flags.dryRun,
          filter: flags.filter,
          rerunStale: flags.rerunStale,
          cacheDir: flags.cacheDir,
          out: io.out,
          handleSignals: true,
          workbenchVersion: workbenchVersion(),
          resumeCommand: resumeCommand(file, flags),
          report: flags.report ? (r) => renderReport(r, io) : undefined,
        });
        exitState.code = result.exitCode;
      });
    sweep
      .command('schema')
      .description('print the JSON Schema of sweep specs (for editors: experiments/sweep.schema.json)')
      .option('--out <file>', 'write it to a file instead of stdout')
      .action((flags: { out?: string }) => {
        const text = `${JSON.stringify(sweepSchema(), null, 2)}\n`;
        if (flags.out) writeFileSync(flags.out, text);
        else io.out(text.trimEnd());
      });
  },
};

function quote(s: string): string {
  return /^[\w./:=@,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The same command again (what resumes a stopped sweep). */
function resumeCommand(file: string, f: SweepFlags): string {
  const args = ['npx', 'workbench', 'sweep', file];
  if (f.workers !== undefined) args.push('--workers', String(f.workers));
  if (f.filter !== undefined) args.push('--filter', f.filter);
  if (f.rerunStale) args.push('--rerun-stale');
  if (f.trackingUri !== undefined) args.push('--tracking-uri', f.trackingUri);
  if (f.cacheDir !== '.workbench/cache') args.push('--cache-dir', f.cacheDir);
  return args.map(quote).join(' ');
}

/**
 * The report hook: @workbench/report's `renderSweepReport` (built in parallel, looked up at run time so that this
 * command does not depend on it being there) writes the sweep's report under .workbench/reports/<sweep>/ and logs it to the
 * parent run.
 */
async function renderReport(r: SweepResult, io: CliIO): Promise<string | undefined> {
  const mod = (await import('@workbench/report')) as Record<string, unknown>;
  const render = mod['renderSweepReport'];
  if (typeof render !== 'function' || !r.parentRunId) {
    io.err('report: @workbench/report has no renderSweepReport; skipped');
    return undefined;
  }
  const outDir = join('.workbench', 'reports', r.name);
  const out = (await (render as (o: Record<string, unknown>) => Promise<unknown>)({ trackingUri: r.trackingUri, env: io.env, sweepRunId: r.parentRunId, outDir })) as { html?: string } | undefined;
  return out?.html ?? outDir;
}
