import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
// The workspace root's yaml (1.x, CommonJS): a default import is what Node's ESM loader can bind.
import YAML from 'yaml';
import { WorkbenchError, canonicalJson, deepMerge, flattenConfig, isPlainObject, parseSetFlags, setPath, shortHash } from '@workbench/core';
import { MULTITASK_METHODS, resolveMultitaskConfig, runMultitaskCell, type MultitaskConfig, type MultitaskResult } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import { Tracker, TrackingReader, type Run } from '@workbench/tracking';
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
  report?: string;
  reportOnly?: boolean;
}

/** A study file (experiments/multitask.yaml): base config, a grid of config paths, seeds. */
interface StudySpec {
  file: string;
  name: string;
  description: string;
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
      .option('--report <dir>', 'then render the study report (per-task scores beside latency, mean ± sd over seeds: HTML, markdown, vega-lite) from the tracking store into <dir> (needs --config)')
      .option('--report-only', 'train nothing: only render the report of the study file\'s finished runs (into --report, default reports/<study name>)')
      .action(async (flags: RunMultitaskFlags) => {
        const study = flags.config ? readStudy(flags.config) : undefined;
        if ((flags.report || flags.reportOnly) && !study) throw new WorkbenchError('CLI_USAGE', '--report and --report-only need a study file (--config)', { where: { source: '--report' } });
        if (flags.reportOnly && study) {
          await writeStudyReport(study, flags, io);
          return;
        }
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
        if (flags.report && study) await writeStudyReport(study, flags, io);
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
  return { file, name: String(doc['name'] ?? file), description: String(doc['description'] ?? ''), experiment: String(doc['experiment'] ?? doc['name'] ?? 'workbench-multitask'), base: (doc['base'] ?? {}) as Record<string, unknown>, grid: grid as Record<string, unknown[]>, seeds: seeds as number[] };
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

/**
 * The study's report from the tracking store: for every cell of the study file (not narrowed by --method /
 * --backbone / --seed), the newest FINISHED run whose logged config.json is that cell's config (runs of an
 * edited study file are not mixed in); latency figures are those `bench latency --log` wrote into the runs.
 */
async function writeStudyReport(study: StudySpec, flags: RunMultitaskFlags, io: CliIO): Promise<void> {
  const { renderMultitaskReport } = await import('@workbench/report');
  const cells = expandCells(study, { set: flags.set });
  const reader = await TrackingReader.open({ uri: flags.trackingUri, env: io.env });
  const picked: { config: MultitaskConfig; run: Run }[] = [];
  const missing: string[] = [];
  try {
    let runs: Run[] = [];
    try {
      runs = await reader.findRuns({ experiments: [flags.experiment ?? study.experiment], tags: { 'workbench.study': 'multitask' }, statuses: ['FINISHED'] });
    } catch (e) {
      if (!(e instanceof WorkbenchError && e.code === 'TRACKING_NOT_FOUND')) throw e;
    }
    const byConfig = new Map<string, Run>();
    // findRuns lists the newest first: the first run seen for a config is the one kept.
    for (const run of runs) {
      const text = await reader.readArtifactText(run.info.runId, 'config.json').catch(() => undefined);
      if (text === undefined) continue;
      const key = canonicalJson(JSON.parse(text));
      if (!byConfig.has(key)) byConfig.set(key, run);
    }
    for (const config of cells) {
      const run = byConfig.get(canonicalJson(config));
      if (run) picked.push({ config, run });
      else missing.push(`${config.backbone.kind} ${config.method} seed ${config.seed}`);
    }
  } finally {
    await reader.close();
  }
  const studyRuns = picked.map(({ config, run }) => ({ runId: run.info.runId, method: config.method, backbone: config.backbone.kind, seed: config.seed, metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])) }));
  const first = picked[0];
  const meta: Record<string, string> = { 'study file': study.file, experiment: flags.experiment ?? study.experiment, cells: `${picked.length} of ${cells.length} finished` };
  if (missing.length) meta['missing cells'] = missing.join(', ');
  if (first) {
    const p = first.run.data.params;
    const c = first.config;
    meta['data'] = `${c.dataset}: train ${p['data.train_rows'] ?? '?'} rows (${(c.trainSplits ?? ['all but test']).join(' + ')} minus a ${c.validationFraction} hold-out), validation ${p['data.validation_rows'] ?? '?'}, test ${p['data.test_rows'] ?? '?'} (${c.testSplit})`;
    meta['backbones'] = ['encoder', 'decoder'].map((k) => picked.find((x) => x.config.backbone.kind === k)).filter((x) => x !== undefined).map((x) => { const q = x.run.data.params; return `${q['backbone.resolved.family']} ${q['backbone.resolved.layers']} x ${q['backbone.resolved.hidden']} (heads ${q['backbone.resolved.heads']}), pooling ${x.config.backbone.pooling}`; }).join('; ');
    meta['training'] = `${c.optim.epochs} epochs, lr ${c.optim.lr}, batch ${c.optim.batchSize}, warm-up ${c.optim.warmupRatio}, ${c.sampling.mode} batches, ${c.backbone.maxLength} tokens`;
    const latency = picked.map((x) => x.run.data.tags['workbench.latency']).find((t) => t !== undefined);
    meta['latency'] = latency ?? 'not measured yet: npx workbench bench latency --experiment ' + (flags.experiment ?? study.experiment) + ' --log';
  }
  const report = await renderMultitaskReport(studyRuns, { title: `Single- vs multi-task, encoder vs decoder: ${study.name}`, description: study.description, meta });
  const dir = flags.report ?? join('reports', study.name);
  mkdirSync(dir, { recursive: true });
  const files = { 'multitask.html': report.html, 'multitask.md': report.markdown, 'multitask.vl.json': `${JSON.stringify(report.spec, null, 2)}\n` };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  io.out(`report of ${picked.length} of ${cells.length} cells: ${Object.keys(files).map((f) => join(dir, f)).join(', ')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
}
