import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '@workbench/core';
import { readSweepSpec } from '@workbench/sweep';
import type { CliCommand } from '../command.ts';

interface BenchSweepFlags {
  config: string;
  workers: string;
  filter?: string;
  json?: boolean;
  keep?: boolean;
}

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));

/**
 * `workbench bench-sweep`: the wall time of a whole sweep (default: the smoke sweep) with 1 and 2 workers, each
 * from scratch (fresh tracking store and stage cache), through the real CLI, and the speed-up.
 */
export const benchSweepCommand: CliCommand = {
  register(program, io) {
    program
      .command('bench-sweep')
      .description('wall time of a sweep with different worker counts, each from scratch (fresh store and cache), and the speed-up')
      .option('--config <file>', 'the sweep spec', 'experiments/smoke.yaml')
      .option('--workers <list>', 'worker counts to compare, comma-separated', '1,2')
      .option('--filter <expr>', 'bench only the matching cells (as `workbench sweep --filter`)')
      .option('--json', 'print the figures as JSON')
      .option('--keep', 'keep the temporary stores (printed)')
      .action(async (flags: BenchSweepFlags) => {
        readSweepSpec(flags.config); // a bad spec fails here, not in every timed run
        const counts = flags.workers.split(',').map((s) => Number(s.trim()));
        if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new WorkbenchError('CLI_USAGE', `--workers must list positive integers, got '${flags.workers}'`, { where: { source: '--workers' } });
        const results: { workers: number; seconds: number; exitCode: number | null; dir: string; load1Before: number }[] = [];
        for (const workers of counts) {
          const dir = mkdtempSync(join(tmpdir(), `bench-sweep-w${workers}-`));
          const args = [BIN, 'sweep', resolve(flags.config), '--workers', String(workers), '--tracking-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--cache-dir', join(dir, 'cache'), '--no-report'];
          if (flags.filter) args.push('--filter', flags.filter);
          const load1Before = loadavg()[0] ?? NaN;
          io.err(`bench-sweep: ${workers} worker(s)...`);
          const t0 = performance.now();
          const exitCode = await new Promise<number | null>((done) => {
            const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: io.env as NodeJS.ProcessEnv });
            child.on('exit', (code) => done(code));
          });
          const seconds = (performance.now() - t0) / 1000;
          results.push({ workers, seconds, exitCode, dir, load1Before });
          if (!flags.keep) rmSync(dir, { recursive: true, force: true });
          if (exitCode !== 0) throw new WorkbenchError('INTERNAL', `the sweep with ${workers} worker(s) exited with code ${exitCode}`);
        }
        const base = results[0] as (typeof results)[number];
        const rows = results.map((r) => ({ ...r, speedup: base.seconds / r.seconds }));
        if (flags.json) {
          io.out(JSON.stringify({ spec: flags.config, filter: flags.filter ?? null, cores: availableParallelism(), runs: rows.map(({ dir, ...r }) => (flags.keep ? { ...r, dir } : r)) }, null, 2));
          return;
        }
        io.out(`sweep ${flags.config}${flags.filter ? ` (filter ${flags.filter})` : ''} on ${availableParallelism()} cores, each from scratch:`);
        for (const r of rows) io.out(`  ${r.workers} worker(s): ${r.seconds.toFixed(1)} s  speed-up x${r.speedup.toFixed(2)}  (load average before: ${r.load1Before.toFixed(2)})${flags.keep ? `  ${r.dir}` : ''}`);
      });
  },
};
