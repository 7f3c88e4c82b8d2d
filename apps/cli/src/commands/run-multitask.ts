import { readFileSync } from 'node:fs';
import { Option } from 'commander';
// The workspace root's yaml (1.x, CommonJS): a default import is what Node's ESM loader can bind.
import YAML from 'yaml';
import { WorkbenchError, deepMerge, flattenConfig, isPlainObject, parseSetFlags, setPath, shortHash } from '@workbench/core';
import { MULTITASK_METHODS, resolveMultitaskConfig, runMultitaskCell, type MultitaskConfig, type MultitaskResult } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import { Tracker } from '@workbench/tracking';
import type { CliCommand, CliIO } from '../command.ts';
import { nonNegativeInt } from '../options.ts';

interface RunMultitaskFlags {
  config?: string;
  method?: string;
  backbone?: string;
  seed?: number;
  set: string[];
  trackingUri?: string;
  experiment?: string;
  json?: boolean;
  quiet?: boolean;
}

/** A study file (experiments/multitask.yaml): base config, a grid of config paths, seeds. */
interface StudySpec {
  name: string;
  experiment: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  seeds: number[];
}

/**
 * `workbench run-multitask`: one cell of the single- vs multi-task study, or every cell of a study file
 * (`--config experiments/multitask.yaml`: base x grid x seeds, narrowed by --method / --backbone / --seed).
 * Each cell is one tracked run with per-task test metrics and its models as artifacts (for `bench latency`).
 */
export const runMultitaskCommand: CliCommand = {
  register(program, io) {
    program
      .command('run-multitask')
      .description('single- vs multi-task fine-tuning: train and score one cell (or a study file\'s cells) and log each as a run')
      .option('--config <file>', 'a study file (YAML): base config, grid, seeds (e.g. experiments/multitask.yaml)')
      .addOption(new Option('--method <name>', 'single-task or multi-task').choices(MULTITASK_METHODS.names()))
      .addOption(new Option('--backbone <kind>', 'encoder (BERT-style) or decoder (GPT-2 style)').choices(['encoder', 'decoder']))
      .option('--seed <n>', 'the seed every random stream derives from', nonNegativeInt('--seed'))
      .option('--set <key=value>', 'any config value, e.g. --set optim.epochs=3 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--experiment <name>', 'MLflow experiment (default: the study\'s, else workbench-multitask)')
      .option('--json', 'print the results as JSON')
      .option('--quiet', 'no progress lines')
      .action(async (flags: RunMultitaskFlags) => {
        const study = flags.config ? readStudy(flags.config) : undefined;
        const cells = expandCells(study, flags);
        const backend = await initBackend({ env: io.env });
        const tracker = await Tracker.open({ uri: flags.trackingUri, env: io.env, handleSignals: true });
        const results: { runId: string; config: MultitaskConfig; result: MultitaskResult }[] = [];
        try {
          for (const config of cells) {
            const run = await tracker.startRun({
              experiment: flags.experiment ?? study?.experiment ?? 'workbench-multitask',
              runName: `${config.method} ${config.backbone.kind} seed ${config.seed}`,
              tags: { 'workbench.backend': backend.name, ...(study ? { 'workbench.study_file': study.name } : {}) },
            });
            await run.logParams(flattenConfig({ ...config, tasks: config.tasks.map((t) => t.name).join(',') } as unknown as Record<string, unknown>));
            await run.logArtifactBytes('config.json', JSON.stringify(config, null, 2));
            try {
              const result = await runMultitaskCell({ config, logger: run, onProgress: flags.quiet || flags.json ? undefined : progress(io) });
              await run.end('FINISHED');
              results.push({ runId: run.runId, config, result });
              if (!flags.json) io.out(`run ${run.runId} ${config.method} ${config.backbone.kind} seed ${config.seed} (cell ${shortHash(result.cellId)}) FINISHED in ${result.seconds.toFixed(1)} s: ${summary(result)}`);
            } catch (e) {
              await run.logArtifactBytes('error.txt', `${(e as Error).stack ?? String(e)}\n`).catch(() => undefined);
              await run.end('FAILED');
              throw e;
            }
          }
        } finally {
          await tracker.close();
        }
        if (flags.json) io.out(JSON.stringify(results.map((r) => ({ runId: r.runId, method: r.config.method, backbone: r.config.backbone.kind, seed: r.config.seed, metrics: r.result.metrics, parameters: r.result.parameters, seconds: r.result.seconds })), null, 2));
      });
  },
};

function summary(r: MultitaskResult): string {
  return Object.entries(r.metrics)
    .map(([task, m]) => `${task}: ${Object.entries(m).filter(([k]) => k !== 'rows').map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}`)
    .join('; ');
}

function progress(io: CliIO): (p: { stage: string; epoch: number; epochs: number; step: number; steps: number; loss?: number }) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.step !== p.steps && now - last < 5000) return;
    last = now;
    io.err(`  ${p.stage} epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps}${p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : ''}`);
  };
}

function readStudy(file: string): StudySpec {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WorkbenchError('CONFIG_INVALID', `cannot read the study file: ${(e as Error).message}`, { where: { file } });
  }
  if (!isPlainObject(doc)) throw new WorkbenchError('CONFIG_TYPE', 'a study file is a mapping with base, grid and seeds', { where: { file } });
  const known = ['$schema', 'name', 'description', 'experiment', 'study', 'base', 'grid', 'seeds'];
  for (const k of Object.keys(doc)) if (!known.includes(k)) throw new WorkbenchError('CONFIG_UNKNOWN_KEY', `unknown key '${k}' in a study file; valid: ${known.join(', ')}`, { where: { file, path: k } });
  if (doc['study'] !== 'multitask') throw new WorkbenchError('CONFIG_INVALID', `this file is not a multi-task study (study: ${JSON.stringify(doc['study'])}, expected 'multitask')`, { where: { file, path: 'study' } });
  const grid = (doc['grid'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(grid)) if (!Array.isArray(v) || v.length === 0) throw new WorkbenchError('CONFIG_TYPE', `grid.${k} must be a non-empty list`, { where: { file, path: `grid.${k}` } });
  const seeds = doc['seeds'] ?? [0];
  if (!Array.isArray(seeds) || seeds.some((s) => !Number.isInteger(s))) throw new WorkbenchError('CONFIG_TYPE', 'seeds must be a list of integers', { where: { file, path: 'seeds' } });
  return { name: String(doc['name'] ?? file), experiment: String(doc['experiment'] ?? doc['name'] ?? 'workbench-multitask'), base: (doc['base'] ?? {}) as Record<string, unknown>, grid: grid as Record<string, unknown[]>, seeds: seeds as number[] };
}

/** The cells to run, each resolved (errors name the study file or the flag) before anything trains. */
function expandCells(study: StudySpec | undefined, flags: RunMultitaskFlags): MultitaskConfig[] {
  const explicit: Record<string, unknown> = {};
  if (flags.method !== undefined) setPath(explicit, 'method', flags.method);
  if (flags.backbone !== undefined) setPath(explicit, 'backbone.kind', flags.backbone);
  if (flags.seed !== undefined) setPath(explicit, 'seed', flags.seed);
  const sets = parseSetFlags(flags.set, '--set');
  if (!study) return [resolveMultitaskConfig(deepMerge(sets, explicit), { source: '--set' })];
  let partials: Record<string, unknown>[] = [structuredClone(study.base)];
  for (const [path, values] of Object.entries(study.grid)) {
    partials = partials.flatMap((p) =>
      values.map((v) => {
        const copy = structuredClone(p);
        setPath(copy, path, v);
        return copy;
      }),
    );
  }
  partials = partials.flatMap((p) => study.seeds.map((seed) => ({ ...p, seed })));
  const configs = partials.map((p, i) => resolveMultitaskConfig(deepMerge(p, sets), { file: study.name, path: `cell ${i}` }));
  // --method / --backbone / --seed narrow a study to the matching cells.
  return configs.filter((c) => (flags.method === undefined || c.method === flags.method) && (flags.backbone === undefined || c.backbone.kind === flags.backbone) && (flags.seed === undefined || c.seed === flags.seed));
}
