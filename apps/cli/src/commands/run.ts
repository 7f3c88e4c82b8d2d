import { Option } from 'commander';
import { deepMerge, parseSetFlags, shortHash, WorkbenchError } from '@workbench/core';
import { cellIdentity, METHODS, PRESETS, resolveCellConfig, runCell, type Progress } from '@workbench/methods';
import { loadDataset } from '@workbench/data';
import { resolveScenario } from '@workbench/sampling';
import { initBackend } from '@workbench/tensor';
import { Tracker, recordRunMetadata, runToCompletion } from '@workbench/tracking';
import type { CliCommand } from '../command.ts';
import { nonNegativeInt } from '../options.ts';
import { workbenchVersion } from '../version.ts';

interface RunFlags {
  dataset?: string;
  method: string;
  scenario?: string;
  seed?: number;
  preset?: string;
  set: string[];
  trackingUri?: string;
  experiment?: string;
  cacheDir: string;
  json?: boolean;
  quiet?: boolean;
}

/** `workbench run`: one cell end to end, logged to the tracking store, final metrics printed. */
export const runCommand: CliCommand = {
  register(program, io) {
    program
      .command('run')
      .description('train and evaluate one cell (dataset x method x scenario x seed) and log it')
      .option('--dataset <name|path>', 'dataset name under datasets/ or a folder holding a card (default: debtags-dev)')
      .requiredOption('--method <name>', `method: ${METHODS.names().join(', ')}`)
      .option('--scenario <keepNN>', 'label availability: keep50, keep30, keep10, keepNN or full (default keep50)')
      .option('--seed <n>', 'the seed every random stream of the run derives from', nonNegativeInt('--seed'))
      .addOption(new Option('--preset <name>', 'size preset').choices(PRESETS.names()))
      .option('--set <key=value>', 'any config value, e.g. --set target.epochs=3 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--experiment <name>', 'MLflow experiment (default: workbench-<dataset>)')
      .option('--cache-dir <dir>', 'cache of shared stages (pre-training, stage 1)', '.workbench/cache')
      .option('--json', 'print the result as JSON')
      .option('--quiet', 'no progress lines')
      .action(async (flags: RunFlags) => {
        const method = METHODS.get(flags.method, { source: '--method' });
        if (flags.scenario !== undefined) resolveScenario(flags.scenario, {}, { source: '--scenario' });
        const explicit: Record<string, unknown> = { method: method.name };
        if (flags.dataset !== undefined) explicit['dataset'] = flags.dataset;
        if (flags.seed !== undefined) explicit['seed'] = flags.seed;
        if (flags.scenario !== undefined) explicit['scenario'] = { name: flags.scenario };
        const partial = deepMerge(parseSetFlags(flags.set, '--set'), explicit);
        const config = resolveCellConfig(partial, { preset: flags.preset, where: { source: '--set' } });

        const backend = await initBackend({ env: io.env });
        const dataset = await loadDataset(config.dataset);
        const cellId = cellIdentity(config, dataset.digest);
        const tracker = await Tracker.open({ uri: flags.trackingUri, env: io.env, handleSignals: true });
        const run = await tracker.startRun({
          experiment: flags.experiment ?? `workbench-${dataset.name}`,
          runName: `${config.method} ${config.scenario.name} seed ${config.seed} ${shortHash(cellId)}`,
        });
        await recordRunMetadata(run, {
          config: config as unknown as Record<string, unknown>,
          configHash: cellId,
          backend: backend.name,
          tfjsVersion: backend.versions['tfjs-core'],
          workbenchVersion: workbenchVersion(),
        });
        const progress = flags.quiet || flags.json ? undefined : progressPrinter(io.err);
        try {
          const result = await runToCompletion(run, () => runCell({ config, logger: run, cacheDir: flags.cacheDir, onProgress: progress }));
          if (flags.json) {
            io.out(JSON.stringify({ runId: run.runId, cellId, config, metrics: result.record, stage1: result.stage1, scenario: result.scenario, seconds: result.seconds }, null, 2));
          } else {
            io.out(`run ${run.runId} (cell ${shortHash(cellId)}) FINISHED in ${result.seconds.toFixed(1)} s`);
            io.out(`target test: mAP ${fmt(result.metrics.mapMacro)}  map_hard ${fmt(result.metrics.mapHard)}  micro mAP ${fmt(result.metrics.mapMicro)}  macro F1 ${fmt(result.metrics.f1Macro)}  macro ROC-AUC ${fmt(result.metrics.rocAucMacro)}`);
            if (result.metrics.labelsWithoutPositive.length) io.out(`  ${result.metrics.labelsWithoutPositive.length} label(s) without a test positive left out of macro averages`);
          }
        } catch (e) {
          throw e instanceof WorkbenchError ? e : new WorkbenchError('INTERNAL', `run ${run.runId} failed: ${(e as Error).message}`, { cause: e });
        } finally {
          await tracker.close();
        }
      });
  },
};

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/** One line per epoch end and every few seconds, on stderr. */
function progressPrinter(err: (s: string) => void): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.step !== p.steps && now - last < 5000) return;
    last = now;
    err(`  ${p.stage} epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps}${p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : ''}`);
  };
}
