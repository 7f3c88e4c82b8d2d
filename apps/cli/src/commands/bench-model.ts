import type { Command } from 'commander';
import { WorkbenchError, didYouMeanSuffix } from '@workbench/core';
import { DEFAULT_TRANSFORMER_BENCH, benchTransformer, tfjsAdam, type BenchOptimizer, type TransformerBenchResult } from '@workbench/model';
import { initBackend } from '@workbench/tensor';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

interface BenchModelOpts {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  batch: number;
  seq: number;
  runs: number;
  warmup: number;
  optimizer: string;
  json?: boolean;
  profile: boolean;
  calibrate: boolean;
}

/** The train steps `--optimizer` chooses from; undefined: benchTransformer's default, the methods' own step. */
const OPTIMIZERS: Record<string, (() => BenchOptimizer) | undefined> = {
  adamw: undefined,
  'tfjs-adam': () => tfjsAdam(1e-4),
};

const f0 = (x: number): string => Math.round(x).toLocaleString('en-US');

function text(r: TransformerBenchResult): string[] {
  const c = r.config;
  const lines = [
    `backend ${r.backend}${r.simd ? ' (SIMD)' : ''}; BERT encoder ${c.layers} layers, hidden ${c.hidden}, ${c.heads} heads, ffn ${c.ffn}, vocab ${f0(c.vocab)}; batch ${c.batch} x ${c.seq} tokens`,
    `parameters        ${f0(r.parameters)}`,
    `optimizer         ${r.optimizer}`,
    `train step        ${f0(r.trainStepMs)} ms  (median of ${c.runs} after ${c.warmup} warm-up: ${r.trainStepRunsMs.map(f0).join(', ')})`,
    `  cpu time        ${f0(r.trainStepCpuMs)} ms of this process per step (compare this on a busy machine)`,
    `  throughput      ${r.trainSequencesPerSecond.toFixed(1)} sequences/s, ${f0(r.trainTokensPerSecond)} tokens/s`,
    `inference batch   ${f0(r.inferenceMs)} ms  (${r.inferenceRunsMs.map(f0).join(', ')})`,
    `  cpu time        ${f0(r.inferenceCpuMs)} ms`,
    `  throughput      ${r.inferenceSequencesPerSecond.toFixed(1)} sequences/s, ${f0(r.inferenceTokensPerSecond)} tokens/s`,
  ];
  if (r.matmulGflops !== null) lines.push(`machine           1024^3 matmul ${r.matmulGflops.toFixed(1)} GFLOP/s in this process (31.6 on an idle machine here: lower means it was busy)`);
  if (r.kernels) {
    const total = r.kernels.reduce((s, k) => s + k.ms, 0);
    lines.push(`kernels of one profiled train step (${f0(total)} ms of kernel time; embedding gradient ${f0(r.embeddingGradientMs ?? 0)} ms):`);
    for (const k of r.kernels.slice(0, 8)) lines.push(`  ${k.kernel.padEnd(20)} ${f0(k.ms).padStart(7)} ms  ${String(k.calls).padStart(4)} calls`);
  }
  return lines;
}

/** `workbench bench model`: train-step and inference speed of a BERT-style encoder on the active backend. */
export const benchModelCommand: CliCommand = {
  register(program, io) {
    const bench = program.commands.find((c: Command) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
    const d = DEFAULT_TRANSFORMER_BENCH;
    bench
      .command('model')
      .description('median train step (forward + backward + optimizer) and inference batch of a BERT encoder with a multi-label head')
      .option('--layers <n>', 'encoder layers', positiveInt('--layers'), d.layers)
      .option('--hidden <n>', 'hidden size', positiveInt('--hidden'), d.hidden)
      .option('--heads <n>', 'attention heads (must divide --hidden)', positiveInt('--heads'), d.heads)
      .option('--ffn <n>', 'feed-forward (intermediate) size', positiveInt('--ffn'), d.ffn)
      .option('--vocab <n>', 'vocabulary size', positiveInt('--vocab'), d.vocab)
      .option('--batch <n>', 'sequences per batch', positiveInt('--batch'), d.batch)
      .option('--seq <n>', 'tokens per sequence', positiveInt('--seq'), d.seq)
      .option('--runs <n>', 'timed runs (median reported)', positiveInt('--runs'), d.runs)
      .option('--warmup <n>', 'untimed runs first', positiveInt('--warmup'), d.warmup)
      .option('--optimizer <name>', 'train step: adamw (the methods\' trainStep with AdamW and clipping) or tfjs-adam (tf.train.adam, for comparison)', 'adamw')
      .option('--no-profile', 'skip the per-kernel profile of one extra step')
      .option('--no-calibrate', 'skip the 1024^3 matmul that shows how busy the machine is')
      .option('--json', 'print JSON')
      .action(async (opts: BenchModelOpts) => {
        if (opts.hidden % opts.heads !== 0) {
          throw new WorkbenchError('CLI_USAGE', `--hidden ${opts.hidden} is not divisible by --heads ${opts.heads}`, { where: { source: '--heads' } });
        }
        if (!Object.hasOwn(OPTIMIZERS, opts.optimizer)) {
          throw new WorkbenchError('CLI_USAGE', `unknown --optimizer '${opts.optimizer}'${didYouMeanSuffix(opts.optimizer, Object.keys(OPTIMIZERS))}; valid values: ${Object.keys(OPTIMIZERS).join(', ')}`, {
            where: { source: '--optimizer' },
          });
        }
        await initBackend({ env: io.env });
        const result = await benchTransformer(
          { layers: opts.layers, hidden: opts.hidden, heads: opts.heads, ffn: opts.ffn, vocab: opts.vocab, batch: opts.batch, seq: opts.seq, runs: opts.runs, warmup: opts.warmup, profile: opts.profile, calibrate: opts.calibrate },
          OPTIMIZERS[opts.optimizer],
        );
        if (opts.json) io.out(JSON.stringify(result, null, 2));
        else for (const line of text(result)) io.out(line);
      });
  },
};
