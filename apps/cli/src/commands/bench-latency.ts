import type { Command } from 'commander';
import { WorkbenchError } from '@workbench/core';
import { DEFAULT_LATENCY, liveTensorBytes, loadManifestModel, servingLatency, type LatencyResult, type ModelsManifest, type MultitaskModel } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import { Tracker } from '@workbench/tracking';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

interface LatencyFlags {
  run: string[];
  batchSizes: string;
  warmup: number;
  requests: number;
  trackingUri?: string;
  json?: boolean;
}

interface RunLatency extends LatencyResult {
  runId: string;
  method: string;
  backbone: string;
  /** Bytes of live tensors the loaded models added (tf.memory). */
  tensorBytes: number;
}

const mb = (b: number): string => (b / 1048576).toFixed(2);

/**
 * `workbench bench latency --run <id>...`: loads each run's served models from its artifacts
 * (models/manifest.json + models/<i>.safetensors, logged by run-multitask) and times a request for every
 * task at each batch size after warm-up: N single-task models one after another vs one multi-task model.
 */
export const benchLatencyCommand: CliCommand = {
  register(program, io) {
    const bench = program.commands.find((c: Command) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
    bench
      .command('latency')
      .description('serving latency p50/p95 per request (every task), parameters and tensor memory of the models of multi-task study runs')
      .requiredOption('--run <id...>', 'run ids of run-multitask runs')
      .option('--batch-sizes <list>', 'comma-separated request sizes', DEFAULT_LATENCY.batchSizes.join(','))
      .option('--warmup <n>', 'untimed requests per batch size', positiveInt('--warmup'), DEFAULT_LATENCY.warmup)
      .option('--requests <n>', 'timed requests per batch size', positiveInt('--requests'), DEFAULT_LATENCY.requests)
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--json', 'print JSON')
      .action(async (flags: LatencyFlags) => {
        const batchSizes = flags.batchSizes.split(',').map((s) => Number(s.trim()));
        if (batchSizes.some((b) => !Number.isInteger(b) || b <= 0)) throw new WorkbenchError('CLI_USAGE', `--batch-sizes must be positive integers, got '${flags.batchSizes}'`, { where: { source: '--batch-sizes' } });
        const backend = await initBackend({ env: io.env });
        const tracker = await Tracker.open({ uri: flags.trackingUri, env: io.env });
        const results: RunLatency[] = [];
        try {
          for (const runId of flags.run) {
            const text = async (path: string): Promise<string> => new TextDecoder().decode(await tracker.store.getArtifact(runId, path));
            let manifest: ModelsManifest;
            try {
              manifest = JSON.parse(await text('models/manifest.json')) as ModelsManifest;
            } catch (e) {
              throw new WorkbenchError('TRACKING_NOT_FOUND', `run ${runId} has no models/manifest.json artifact: only run-multitask runs with eval.saveCheckpoint log their models`, { where: { source: '--run' }, cause: e });
            }
            const inputs = (JSON.parse(await text('bench/inputs.json')) as number[][]).map((r) => Int32Array.from(r));
            const before = liveTensorBytes();
            const models: MultitaskModel[] = [];
            try {
              for (const [i, m] of manifest.models.entries()) models.push(loadManifestModel(manifest, i, await tracker.store.getArtifact(runId, m.file), `${runId}/${m.file}`));
              const tensorBytes = liveTensorBytes() - before;
              const r = servingLatency(models, inputs, { batchSizes, warmup: flags.warmup, requests: flags.requests });
              results.push({ runId, method: manifest.method, backbone: String(manifest.backbone['kind']), tensorBytes, ...r });
            } finally {
              for (const m of models) m.dispose();
            }
          }
        } finally {
          await tracker.close();
        }
        if (flags.json) {
          io.out(JSON.stringify({ backend: backend.name, warmup: flags.warmup, requests: flags.requests, results }, null, 2));
          return;
        }
        io.out(`backend ${backend.name}; per request = every task of the run for b inputs (models called one after another); ${flags.requests} timed requests after ${flags.warmup} warm-up`);
        const head = ['run', 'method', 'backbone', 'models', 'params', 'tensor MB', ...batchSizes.flatMap((b) => [`p50 b=${b} ms`, `p95 b=${b} ms`])];
        const rows = results.map((r) => [r.runId.slice(0, 8), r.method, r.backbone, String(r.models), r.parameters.toLocaleString('en-US'), mb(r.tensorBytes), ...r.perBatch.flatMap((p) => [p.p50Ms.toFixed(2), p.p95Ms.toFixed(2)])]);
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
        for (const line of [head, ...rows]) io.out(line.map((c, i) => c.padStart(widths[i] as number)).join('  '));
      });
  },
};
