import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '@workbench/core';
import { SWEEP_ARTIFACTS, SWEEP_TAGS, readSweepSpec, timingLines, type SweepTimingsRecord } from '@workbench/sweep';
import { openStore } from '@workbench/tracking';
import type { CliCommand } from '../command.ts';

interface BenchSweepFlags {
  config: string;
  workers: string;
  filter?: string;
  json?: boolean;
  keep?: boolean;
  report?: boolean;
  repeat: string;
}

interface BenchRun {
  workers: number;
  /** Wall time of the whole command (process start to exit), what a user waits. */
  seconds: number;
  exitCode: number | null;
  dir: string;
  load1Before: number;
  load1After: number;
  /** The sweep's own account of its time (`sweep/timings.json` of its parent run). */
  timings: SweepTimingsRecord | undefined;
}

/** A run's lines: wall time, load, and the sweep's own breakdown. */
function runLines(r: BenchRun, keep: boolean): string[] {
  const head = `${r.workers} worker(s): ${r.seconds.toFixed(1)} s wall (load average ${r.load1Before.toFixed(2)} before, ${r.load1After.toFixed(2)} after)${keep ? `  ${r.dir}` : ''}`;
  if (!r.timings) return [head];
  return [head, ...[`command start-up and exit ${(r.seconds - r.timings.wall).toFixed(1)} s`, ...timingLines(r.timings)].map((l) => `    ${l}`)];
}

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));

/** The timings artifact of the sweep's parent run in a bench store. */
async function readTimings(uri: string): Promise<SweepTimingsRecord | undefined> {
  const store = await openStore({ uri, readOnly: true });
  try {
    const experiments = await store.listExperiments();
    const page = await store.searchRuns({ experimentIds: experiments.map((e) => e.experimentId), tags: { [SWEEP_TAGS.role]: 'parent' }, maxResults: 1 });
    const parent = page.runs[0];
    if (!parent) return undefined;
    return JSON.parse(new TextDecoder().decode(await store.getArtifact(parent.info.runId, SWEEP_ARTIFACTS.timings))) as SweepTimingsRecord;
  } catch {
    return undefined;
  } finally {
    await store.close();
  }
}

/**
 * `workbench bench-sweep`: the wall time of a whole sweep (default: the smoke sweep) with 1 and 2 workers, each
 * from scratch (fresh tracking store and stage cache), through the real CLI, and the speed-up, with the sweep's
 * own breakdown of its time (serial steps, worker start-up and idle time, cell phases).
 */
export const benchSweepCommand: CliCommand = {
  register(program, io) {
    program
      .command('bench-sweep')
      .description('wall time of a sweep with different worker counts, each from scratch (fresh store and cache), the speed-up and where the time went')
      .option('--config <file>', 'the sweep spec', 'experiments/smoke.yaml')
      .option('--workers <list>', 'worker counts to compare, comma-separated', '1,2')
      .option('--filter <expr>', 'bench only the matching cells (as `workbench sweep --filter`)')
      .option('--report', 'render the report at the end of each sweep (as the main job does; off: cells only)')
      .option('--repeat <n>', 'run the whole comparison n times, alternating (a busy machine makes single figures noisy)', '1')
      .option('--json', 'print the figures as JSON')
      .option('--keep', 'keep the temporary stores (printed)')
      .action(async (flags: BenchSweepFlags) => {
        readSweepSpec(flags.config); // a bad spec fails here, not in every timed run
        const counts = flags.workers.split(',').map((s) => Number(s.trim()));
        if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new WorkbenchError('CLI_USAGE', `--workers must list positive integers, got '${flags.workers}'`, { where: { source: '--workers' } });
        const repeat = Number(flags.repeat);
        if (!Number.isInteger(repeat) || repeat < 1) throw new WorkbenchError('CLI_USAGE', `--repeat must be a positive integer, got '${flags.repeat}'`, { where: { source: '--repeat' } });
        const results: BenchRun[] = [];
        for (let round = 0; round < repeat; round++) {
          for (const workers of counts) {
            const dir = mkdtempSync(join(tmpdir(), `bench-sweep-w${workers}-`));
            const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
            const args = [BIN, 'sweep', resolve(flags.config), '--workers', String(workers), '--tracking-uri', uri, '--cache-dir', join(dir, 'cache')];
            if (!flags.report) args.push('--no-report');
            if (flags.filter) args.push('--filter', flags.filter);
            const load1Before = loadavg()[0] ?? NaN;
            io.err(`bench-sweep: ${workers} worker(s)${repeat > 1 ? ` (round ${round + 1}/${repeat})` : ''}...`);
            const t0 = performance.now();
            const exitCode = await new Promise<number | null>((done) => {
              // Reports go to the temp folder (the report hook writes under the working directory).
              const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: io.env as NodeJS.ProcessEnv, cwd: flags.report ? dir : undefined });
              child.on('exit', (code) => done(code));
            });
            const seconds = (performance.now() - t0) / 1000;
            const timings = await readTimings(uri);
            const r: BenchRun = { workers, seconds, exitCode, dir, load1Before, load1After: loadavg()[0] ?? NaN, timings };
            results.push(r);
            if (!flags.keep) rmSync(dir, { recursive: true, force: true });
            if (exitCode !== 0) throw new WorkbenchError('INTERNAL', `the sweep with ${workers} worker(s) exited with code ${exitCode}`);
            // Each run as it ends: a long comparison on a busy machine is not lost if it is stopped half-way.
            if (!flags.json) for (const line of runLines(r, Boolean(flags.keep))) io.out(line);
          }
        }
        const median = (xs: number[]): number => {
          const s = [...xs].sort((a, b) => a - b);
          return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
        };
        const byCount = counts.map((workers) => ({ workers, seconds: median(results.filter((r) => r.workers === workers).map((r) => r.seconds)) }));
        const base = byCount[0] as (typeof byCount)[number];
        const summary = byCount.map((c) => ({ ...c, speedup: base.seconds / c.seconds }));
        if (flags.json) {
          io.out(JSON.stringify({ spec: flags.config, filter: flags.filter ?? null, report: Boolean(flags.report), cores: availableParallelism(), summary, runs: results.map(({ dir, ...r }) => (flags.keep ? { ...r, dir } : r)) }, null, 2));
          return;
        }
        io.out(`sweep ${flags.config}${flags.filter ? ` (filter ${flags.filter})` : ''}${flags.report ? ' with its report' : ', cells only (--report adds the report)'} on ${availableParallelism()} cores, each from scratch:`);
        for (const c of summary) io.out(`  ${c.workers} worker(s): ${c.seconds.toFixed(1)} s${repeat > 1 ? ` (median of ${repeat})` : ''}  speed-up x${c.speedup.toFixed(2)}`);
      });
  },
};
