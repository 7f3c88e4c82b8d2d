import { loadavg } from 'node:os';
import type { Command } from 'commander';
import { WorkbenchError } from '@workbench/core';
import { DEFAULT_LATENCY, latencyStats, liveTensorBytes, loadManifestModel, servingLatency, type LatencyResult, type ModelsManifest, type MultitaskModel, type TokenIds } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import { Tracker, TrackingReader } from '@workbench/tracking';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

interface LatencyFlags {
  run?: string[];
  experiment?: string;
  batchSizes: string;
  warmup: number;
  requests: number;
  rounds: number;
  log?: boolean;
  trackingUri?: string;
  json?: boolean;
}

interface RunLatency extends Omit<LatencyResult, 'perBatch'> {
  runId: string;
  method: string;
  backbone: string;
  seed: string;
  /** Bytes of live tensors the loaded models added (tf.memory). */
  tensorBytes: number;
  perBatch: { batchSize: number; p50Ms: number; p95Ms: number; meanMs: number; requests: number }[];
}

interface Loaded {
  runId: string;
  manifest: ModelsManifest;
  seed: string;
  models: MultitaskModel[];
  inputs: TokenIds[];
  tensorBytes: number;
}

const mb = (b: number): string => (b / 1048576).toFixed(2);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * `workbench bench latency --run <id>... | --experiment <name>`: loads each run's served models from its
 * artifacts (models/manifest.json + models/<i>.safetensors, logged by run-multitask) and times a request for
 * every task at each batch size after warm-up: N single-task models one after another vs one multi-task model.
 * Runs are timed round-robin (`--rounds`): a load change on a shared machine then falls on every run alike
 * instead of on whichever run was being timed. `--log` writes the figures into each run (`latency.b<k>.p50_ms`...).
 */
export const benchLatencyCommand: CliCommand = {
  register(program, io) {
    const bench = program.commands.find((c: Command) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
    bench
      .command('latency')
      .description('serving latency p50/p95 per request (every task), parameters and tensor memory of the models of multi-task study runs')
      .option('--run <id...>', 'run ids of run-multitask runs')
      .option('--experiment <name>', 'every FINISHED run-multitask run of this experiment (e.g. multitask-debtags)')
      .option('--batch-sizes <list>', 'comma-separated request sizes', DEFAULT_LATENCY.batchSizes.join(','))
      .option('--warmup <n>', 'untimed requests per batch size and run', positiveInt('--warmup'), DEFAULT_LATENCY.warmup)
      .option('--requests <n>', 'timed requests per batch size and run', positiveInt('--requests'), DEFAULT_LATENCY.requests)
      .option('--rounds <n>', 'split the timed requests into this many round-robin passes over the runs', positiveInt('--rounds'), 4)
      .option('--log', 'log the figures into each run as metrics latency.b<k>.{p50,p95,mean}_ms, latency.parameters, latency.tensor_mb, latency.load_avg_1m')
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--json', 'print JSON')
      .action(async (flags: LatencyFlags) => {
        const batchSizes = flags.batchSizes.split(',').map((s) => Number(s.trim()));
        if (batchSizes.some((b) => !Number.isInteger(b) || b <= 0)) throw new WorkbenchError('CLI_USAGE', `--batch-sizes must be positive integers, got '${flags.batchSizes}'`, { where: { source: '--batch-sizes' } });
        if (!flags.run?.length && !flags.experiment) throw new WorkbenchError('CLI_USAGE', 'give the runs to time: --run <id...> or --experiment <name>', { where: { source: '--run' } });
        // A round holds at least one request.
        flags.rounds = Math.min(flags.rounds, flags.requests);
        const backend = await initBackend({ env: io.env });
        const tracker = await Tracker.open({ uri: flags.trackingUri, env: io.env });
        const loaded: Loaded[] = [];
        const results: RunLatency[] = [];
        const loadBefore = load();
        try {
          const runIds = [...(flags.run ?? [])];
          if (flags.experiment) {
            const runs = await new TrackingReader(tracker.store).findRuns({ experiments: [flags.experiment], tags: { 'workbench.study': 'multitask' }, statuses: ['FINISHED'] });
            if (runs.length === 0) throw new WorkbenchError('TRACKING_NOT_FOUND', `experiment '${flags.experiment}' has no FINISHED run-multitask run`, { where: { source: '--experiment' } });
            runIds.push(...runs.reverse().map((r) => r.info.runId).filter((id) => !runIds.includes(id)));
          }
          for (const runId of runIds) loaded.push(await loadRun(tracker, runId));
          // Round-robin: every run gets its warm-up, then `rounds` passes each time requests/rounds requests per run.
          const times = loaded.map(() => batchSizes.map(() => [] as number[]));
          for (const run of loaded) servingLatency(run.models, run.inputs, { batchSizes, warmup: flags.warmup, requests: 1 });
          for (let round = 0; round < flags.rounds; round++) {
            const requests = Math.floor(flags.requests / flags.rounds) + (round < flags.requests % flags.rounds ? 1 : 0);
            for (const [i, run] of loaded.entries()) {
              const r = servingLatency(run.models, run.inputs, { batchSizes, warmup: 0, requests });
              r.perBatch.forEach((p, k) => (times[i] as number[][])[k]?.push(...p.timesMs));
            }
          }
          for (const [i, run] of loaded.entries()) {
            const parameters = run.models.reduce((n, m) => n + m.parameterCount(), 0);
            results.push({
              runId: run.runId,
              method: run.manifest.method,
              backbone: String(run.manifest.backbone['kind']),
              seed: run.seed,
              tensorBytes: run.tensorBytes,
              models: run.models.length,
              tasks: run.models.reduce((n, m) => n + m.heads.size, 0),
              parameters,
              weightBytes: 4 * parameters,
              perBatch: batchSizes.map((b, k) => ({ batchSize: b, ...latencyStats((times[i] as number[][])[k] as number[]) })),
            });
          }
          const loadAfter = load();
          if (flags.log) {
            const timestamp = Date.now();
            for (const r of results) {
              const metrics = [
                ...r.perBatch.flatMap((p) => [
                  ['p50_ms', p.p50Ms],
                  ['p95_ms', p.p95Ms],
                  ['mean_ms', p.meanMs],
                ].map(([k, v]) => ({ key: `latency.b${p.batchSize}.${k}`, value: v as number, timestamp, step: 0 }))),
                { key: 'latency.parameters', value: r.parameters, timestamp, step: 0 },
                { key: 'latency.tensor_mb', value: r.tensorBytes / 1048576, timestamp, step: 0 },
                { key: 'latency.load_avg_1m', value: loadavg()[0] as number, timestamp, step: 0 },
              ];
              await tracker.store.logBatch(r.runId, { metrics, tags: [{ key: 'workbench.latency', value: `${backend.name}; ${flags.requests} requests in ${flags.rounds} round-robin rounds after ${flags.warmup} warm-up; load average before ${loadBefore}, after ${loadAfter}` }] });
            }
          }
          if (flags.json) {
            io.out(JSON.stringify({ backend: backend.name, warmup: flags.warmup, requests: flags.requests, rounds: flags.rounds, loadAverage: { before: loadBefore, after: loadAfter }, results }, null, 2));
            return;
          }
          io.out(`backend ${backend.name}; per request = every task of the run for b inputs (models called one after another); ${flags.requests} timed requests per run in ${flags.rounds} round-robin rounds after ${flags.warmup} warm-up`);
          io.out(`load average (1, 5, 15 min): before ${loadBefore}, after ${loadAfter}${flags.log ? '; logged into each run' : ''}`);
          const head = ['run', 'method', 'backbone', 'seed', 'models', 'params', 'tensor MB', ...batchSizes.flatMap((b) => [`p50 b=${b} ms`, `p95 b=${b} ms`])];
          const rows = results.map((r) => [r.runId.slice(0, 8), r.method, r.backbone, r.seed, String(r.models), r.parameters.toLocaleString('en-US'), mb(r.tensorBytes), ...r.perBatch.flatMap((p) => [p.p50Ms.toFixed(2), p.p95Ms.toFixed(2)])]);
          const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
          for (const line of [head, ...rows]) io.out(line.map((c, i) => c.padStart(widths[i] as number)).join('  '));
        } finally {
          for (const run of loaded) for (const m of run.models) m.dispose();
          await tracker.close();
        }
      });
  },
};

async function loadRun(tracker: Tracker, runId: string): Promise<Loaded> {
  const text = async (path: string): Promise<string> => new TextDecoder().decode(await tracker.store.getArtifact(runId, path));
  let manifest: ModelsManifest;
  try {
    manifest = JSON.parse(await text('models/manifest.json')) as ModelsManifest;
  } catch (e) {
    throw new WorkbenchError('TRACKING_NOT_FOUND', `run ${runId} has no models/manifest.json artifact: only run-multitask runs with eval.saveCheckpoint log their models`, { where: { source: '--run' }, cause: e });
  }
  const inputs = (JSON.parse(await text('bench/inputs.json')) as number[][]).map((r) => Int32Array.from(r));
  const seed = (await tracker.store.getRun(runId)).data.params['seed'] ?? '';
  const before = liveTensorBytes();
  const models: MultitaskModel[] = [];
  try {
    for (const [i, m] of manifest.models.entries()) models.push(loadManifestModel(manifest, i, await tracker.store.getArtifact(runId, m.file), `${runId}/${m.file}`));
  } catch (e) {
    for (const m of models) m.dispose();
    throw e;
  }
  return { runId, manifest, seed, models, inputs, tensorBytes: liveTensorBytes() - before };
}
