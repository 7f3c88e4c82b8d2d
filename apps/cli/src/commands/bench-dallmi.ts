import type { Command } from 'commander';
import { benchMixupOverhead } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

/** `workbench bench dallmi`: the cost of DALLMi's MixUp, a DALLMi train step against a plain BCE step. */
export const benchDallmiCommand: CliCommand = {
  register(program, io) {
    const bench = program.commands.find((c: Command) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
    bench
      .command('dallmi')
      .description('DALLMi step (norm loss + MixUp of every label, one encoder pass) vs a plain BCE step: time, sequences/s, overhead')
      .option('--preset <name>', 'transformer preset', 'mini')
      .option('--labels <n>', 'labels', positiveInt('--labels'), 20)
      .option('--batch <n>', 'batch size', positiveInt('--batch'), 64)
      .option('--seq <n>', 'sequence length', positiveInt('--seq'), 128)
      .option('--runs <n>', 'timed steps per variant, alternating (median reported)', positiveInt('--runs'), 5)
      .option('--warmup <n>', 'untimed steps per variant first', positiveInt('--warmup'), 2)
      .option('--gradient-checkpointing', 'recompute each encoder layer in the backward pass (less memory, ~1 more forward pass)')
      .option('--json', 'print JSON')
      .action(async (opts: { preset: string; labels: number; batch: number; seq: number; runs: number; warmup: number; gradientCheckpointing?: boolean; json?: boolean }) => {
        const backend = await initBackend({ env: io.env });
        const r = benchMixupOverhead({ preset: opts.preset, labels: opts.labels, batch: opts.batch, seq: opts.seq, runs: opts.runs, warmup: opts.warmup, gradientCheckpointing: opts.gradientCheckpointing ?? false });
        if (opts.json) {
          io.out(JSON.stringify({ backend: backend.name, ...r }, null, 2));
          return;
        }
        const ms = (x: number): string => x.toFixed(0).padStart(7);
        io.out(`backend ${backend.name}, preset ${r.preset}, batch ${r.batch} x ${r.seq}, ${r.labels} labels (${r.mixedRows} mixed rows), median of ${opts.runs} alternating pairs after ${opts.warmup} warm-up${opts.gradientCheckpointing ? ', gradient checkpointing' : ''}`);
        io.out(`  plain BCE step  ${ms(r.plainMs)} ms  ${r.plainSequencesPerSecond.toFixed(1)} sequences/s  (cpu ${ms(r.plainCpuMs)} ms)`);
        io.out(`  DALLMi step     ${ms(r.dallmiMs)} ms  ${r.dallmiSequencesPerSecond.toFixed(1)} sequences/s  (cpu ${ms(r.dallmiCpuMs)} ms)`);
        io.out(`  MixUp overhead  ${(r.overhead * 100).toFixed(1)}% wall, ${(r.cpuOverhead * 100).toFixed(1)}% cpu (median of pair ratios)`);
        if (r.wasmHeapBytes !== null) io.out(`  wasm heap       ${(r.wasmHeapBytes / 2 ** 20).toFixed(0)} MB after the run (its high-water mark; the limit is 4096 MB)`);
      });
  },
};
