import { benchMatmul, initBackend } from '@workbench/tensor';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

/** `workbench bench <what>`: speed figures, never timed tests. Sub-commands register here. */
export const benchCommand: CliCommand = {
  register(program, io) {
    const bench = program.command('bench').description('benchmarks (median of several runs after warm-up)');
    bench
      .command('kernels')
      .description('GFLOP/s of a float32 matmul, plain and with each transpose flag, on the active backend')
      .option('--json', 'print JSON')
      .option('--size <n>', 'matrix size n of the n x n x n product', positiveInt('--size'), 1024)
      .option('--runs <n>', 'timed runs per variant', positiveInt('--runs'), 7)
      .option('--warmup <n>', 'untimed runs first', positiveInt('--warmup'), 2)
      .action(async (opts: { json?: boolean; size: number; runs: number; warmup: number }) => {
        const backend = await initBackend({ env: io.env });
        const results = benchMatmul({ size: opts.size, runs: opts.runs, warmup: opts.warmup });
        if (opts.json) {
          io.out(JSON.stringify({ backend: backend.name, simd: backend.simd ?? null, kernelFixes: backend.kernelFixes, results }, null, 2));
          return;
        }
        io.out(`backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}, ${opts.size}^3 float32 matmul, median of ${opts.runs} runs after ${opts.warmup} warm-up`);
        for (const r of results) io.out(`  ${r.variant.padEnd(12)} ${r.gflops.toFixed(1).padStart(7)} GFLOP/s  ${r.medianMs.toFixed(1).padStart(8)} ms`);
      });
  },
};
