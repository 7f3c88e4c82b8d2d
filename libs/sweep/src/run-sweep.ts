import { readFile } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { canonicalJson, configHash, shortHash, WorkbenchError } from '@workbench/core';
import { loadDataset } from '@workbench/data';
import { METHODS, StageCache, stage1Key } from '@workbench/methods';
import { DEFAULT_HEARTBEAT_MS, HEARTBEAT_TAGS, MLFLOW_TAGS, StoreRunLogger, Tracker, markDeadRuns, readGitState, recordRunMetadata, type GitState } from '@workbench/tracking';
import { parseCellFilter } from './cell-filter.ts';
import { expandSweep, type ExpandedSweep, type SweepCell } from './expand-sweep.ts';
import { planCells, runsByConfigHash, type CellState, type PlannedCell } from './sweep-plan.ts';
import { SweepProgress, formatDuration, type ProgressSink } from './sweep-progress.ts';
import { SweepScheduler } from './sweep-scheduler.ts';
import { SweepTimings, timingLines, type SweepTimingsRecord } from './sweep-timings.ts';
import type { SweepSpec } from './sweep-spec.ts';
import { WorkerPool, type CellOutcome } from './worker-pool.ts';

/** Tags of a sweep's runs (besides `workbench.config_hash` = the cell id on each child). */
export const SWEEP_TAGS = {
  sweep: 'workbench.sweep',
  role: 'workbench.sweep.role',
  specHash: 'workbench.sweep.spec_hash',
  cellLabel: 'workbench.cell_label',
} as const;

export const SWEEP_ARTIFACTS = {
  /** Every cell of the sweep with its state and the run that holds its result (also cells skipped as done). */
  cells: 'sweep/cells.json',
  /** Where the wall time went (see SweepTimings). */
  timings: 'sweep/timings.json',
} as const;

export interface RunSweepOptions {
  /** Worker processes; default the spec's `workers`, else one per core. */
  workers?: number;
  trackingUri?: string;
  env?: Record<string, string | undefined>;
  /** Print the cell table with each cell's state; run nothing. */
  dryRun?: boolean;
  /** Run only the matching cells (see parseCellFilter). */
  filter?: string;
  /** Rerun cells FINISHED from another git commit. */
  rerunStale?: boolean;
  /** Shared stage cache (stage 1). Default `.workbench/cache`. */
  cacheDir?: string;
  datasetsDir?: string;
  /** Live progress (stderr). Default process.stderr. */
  progress?: ProgressSink;
  /** Tables and the summary (stdout). */
  out?: (line: string) => void;
  workbenchVersion?: string;
  heartbeatMs?: number;
  /** Stop cleanly on SIGINT/SIGTERM (a second one kills the workers). The CLI turns it on. */
  handleSignals?: boolean;
  /** Stops the sweep like SIGINT. */
  signal?: AbortSignal;
  /** The command that resumes this sweep, printed when it stops early or has failures. */
  resumeCommand?: string;
  /** Test hook: the git state (default: read from the working directory). */
  git?: GitState | null;
  /** Called at the end with the parent run; returns the path of a report it wrote (the report hook). */
  report?: (result: SweepResult) => Promise<string | undefined>;
}

export type CellResultStatus = 'done' | 'stale' | 'running' | 'finished' | 'failed' | 'killed' | 'not run';

export interface SweepCellResult {
  id: string;
  label: string;
  /** State before this invocation. */
  before: CellState;
  status: CellResultStatus;
  /** The run holding the cell's result or last attempt. */
  runId: string | undefined;
  error?: string;
  seconds?: number;
  metrics?: Record<string, number>;
}

export interface SweepResult {
  name: string;
  experiment: string;
  trackingUri: string;
  parentRunId: string | undefined;
  cells: SweepCellResult[];
  interrupted: boolean;
  failed: number;
  seconds: number;
  /** 0 all good, 1 a cell failed, 130 interrupted. */
  exitCode: number;
  reportPath?: string;
  /** Where the time went (absent in a dry run). */
  timings?: SweepTimingsRecord;
}

/** The hash of what a spec asks for (not where it lives), tagged on the parent run. */
export function specHash(spec: SweepSpec): string {
  const { name, experiment, preset, base, grid, zip, cells, seeds, exclude } = spec;
  return configHash({ name, experiment, preset: preset ?? null, base, grid, zip, cells, seeds, exclude });
}

/**
 * Expands a spec with every dataset's content digest (part of a cell's identity). Datasets are loaded once;
 * an unknown dataset fails with its place in the spec.
 */
export async function expandWithDatasets(spec: SweepSpec, datasetsDir?: string): Promise<ExpandedSweep> {
  const names = new Set<string>();
  expandSweep(spec, (name) => (names.add(name), ''));
  const digests = new Map<string, string | WorkbenchError>();
  for (const name of names) {
    try {
      digests.set(name, (await loadDataset(name, datasetsDir ? { datasetsDir } : {})).digest);
    } catch (e) {
      if (!(e instanceof WorkbenchError)) throw e;
      digests.set(name, e);
    }
  }
  return expandSweep(spec, (name) => {
    const d = digests.get(name);
    if (d instanceof WorkbenchError) throw d;
    return d ?? '';
  });
}

/**
 * Runs a sweep: the cells not yet FINISHED in the tracking store (from this git commit), in worker processes,
 * each a child run of a parent run for the sweep. Failed, killed and dead cells run again; a failing cell does
 * not stop the others; SIGINT stops cleanly (running cells end KILLED) and the same command resumes.
 */
export async function runSweep(spec: SweepSpec, options: RunSweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const timings = new SweepTimings();
  const env = options.env ?? process.env;
  const out = options.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const sink = options.progress ?? { write: (s: string) => process.stderr.write(s), isTTY: Boolean(process.stderr.isTTY), columns: process.stderr.columns };
  const cacheDir = resolve(options.cacheDir ?? '.workbench/cache');
  const expanded = await expandWithDatasets(spec, options.datasetsDir);
  timings.lap('expand');
  let cells = expanded.cells;
  if (options.filter !== undefined) {
    const filter = parseCellFilter(options.filter);
    cells = cells.filter((c) => filter.matches(c));
    if (cells.length === 0) throw new WorkbenchError('CLI_USAGE', `the filter '${options.filter}' matches none of the ${expanded.cells.length} cells`, { where: { source: '--filter' } });
  }
  const git = options.git === undefined ? readGitState(process.cwd()) : options.git;
  const tracker = await Tracker.open({ uri: options.trackingUri, env, handleSignals: false, heartbeatMs: options.heartbeatMs });
  const store = tracker.store;
  try {
    const existing = await store.getExperimentByName(spec.experiment);
    if (existing && !options.dryRun) await markDeadRuns(store, { experimentIds: [existing.experimentId] });
    const runs = existing ? await runsByConfigHash(store, [existing.experimentId]) : new Map();
    const plan = planCells(cells, runs, { gitCommit: git?.commit, rerunStale: options.rerunStale ?? false });
    const workers = Math.max(1, Math.min(options.workers ?? spec.workers ?? availableParallelism(), Math.max(1, plan.filter((p) => p.run).length)));
    timings.lap('store');

    if (options.dryRun) {
      for (const line of cellTable(expanded, plan, options.rerunStale ?? false)) out(line);
      return {
        name: spec.name,
        experiment: spec.experiment,
        trackingUri: store.uri,
        parentRunId: undefined,
        cells: plan.map((p) => ({ id: p.cell.id, label: p.cell.label, before: p.state, status: 'not run', runId: p.previous?.info.runId })),
        interrupted: false,
        failed: 0,
        seconds: (performance.now() - t0) / 1000,
        exitCode: 0,
      };
    }
    return await execute({ spec, expanded, plan, workers, tracker, git, cacheDir, env, out, sink, options, t0, timings });
  } finally {
    await tracker.close();
  }
}

interface ExecuteContext {
  spec: SweepSpec;
  expanded: ExpandedSweep;
  plan: PlannedCell[];
  workers: number;
  tracker: Tracker;
  git: GitState | null;
  cacheDir: string;
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  sink: ProgressSink;
  options: RunSweepOptions;
  t0: number;
  timings: SweepTimings;
}

async function execute(ctx: ExecuteContext): Promise<SweepResult> {
  const { spec, plan, workers, tracker, git, options, out, timings } = ctx;
  const hash = specHash(spec);
  const toRun = plan.filter((p) => p.run);
  const tags = { [SWEEP_TAGS.sweep]: spec.name, [SWEEP_TAGS.role]: 'parent', [SWEEP_TAGS.specHash]: hash, 'workbench.sweep.cells': String(plan.length), ...(spec.description ? { [MLFLOW_TAGS.note]: spec.description } : {}) };
  const parent = (await reopenParent(tracker, spec, hash, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)) ?? (await tracker.startRun({ experiment: spec.experiment, runName: `sweep ${spec.name}`, tags }));
  await parent.setTags(tags);
  await recordRunMetadata(parent, { config: specObject(spec), configHash: hash, git, workbenchVersion: options.workbenchVersion, sourceName: 'workbench sweep' });
  await parent.logArtifactBytes(`sweep/${basename(spec.file)}`, await specText(spec));

  const results = new Map<string, SweepCellResult>(
    plan.map((p) => [p.cell.id, { id: p.cell.id, label: p.cell.label, before: p.state, status: p.run ? 'not run' : (p.state as CellResultStatus), runId: p.previous?.info.runId }]),
  );
  const skipped = plan.length - toRun.length;
  const progress = new SweepProgress(ctx.sink, toRun.length, workers);
  progress.log(
    `sweep ${spec.name}: ${plan.length} cells (${expanded(ctx)}), ${skipped} already done${countOf(plan, 'stale') ? ` (${countOf(plan, 'stale')} stale${options.rerunStale ? ', rerun' : ', kept: --rerun-stale reruns them'})` : ''}, ${toRun.length} to run on ${workers} worker(s); parent run ${parent.runId}`,
  );

  let interrupted = false;
  let pool: WorkerPool | undefined;
  const stop = (why: string): void => {
    if (interrupted) {
      progress.log(`${why} again: killing the workers (their runs will be marked dead and rerun next time)`);
      pool?.kill();
      return;
    }
    interrupted = true;
    progress.log(`${why}: stopping; running cells end KILLED after flushing (Ctrl-C again to kill the workers)`);
    pool?.stop();
  };
  const onSignal = (sig: NodeJS.Signals): void => stop(sig);
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const onAbort = (): void => stop('stop requested');
  options.signal?.addEventListener('abort', onAbort);

  try {
    if (toRun.length > 0 && !options.signal?.aborted) {
      const cache = new StageCache(ctx.cacheDir);
      const scheduler = new SweepScheduler(toRun.map((p) => p.cell), (c) => stage1KeyOf(ctx.expanded, c), (key) => cache.has('stage1', key));
      pool = new WorkerPool({
        workers,
        init: {
          trackingUri: tracker.store.uri,
          env: ctx.env,
          cacheDir: ctx.cacheDir,
          datasetsDir: options.datasetsDir,
          experimentId: parent.experimentId,
          parentRunId: parent.runId,
          tags: { [SWEEP_TAGS.sweep]: spec.name, [SWEEP_TAGS.specHash]: hash, [SWEEP_TAGS.role]: 'cell' },
          git,
          workbenchVersion: options.workbenchVersion,
          heartbeatMs: options.heartbeatMs,
        },
        next: (w) => {
          const cell = scheduler.next();
          if (cell) {
            progress.cellStarted(w, cell.label);
            timings.cellStarted(w);
          }
          return cell;
        },
        events: {
          onReady: (w) => timings.workerReady(w),
          onStarted: (_w, cell, runId) => {
            const r = results.get(cell.id);
            if (r) r.runId = runId;
          },
          onProgress: (w, _cell, p) => progress.progress(w, p),
          onOutcome: (w, cell, outcome) => {
            scheduler.ended(cell, { finished: outcome.kind === 'finished', seconds: outcome.seconds, cpu: outcome.cpu, phases: outcome.phases });
            timings.cellEnded(w, cell, outcome.kind, outcome.phases, outcome.cpu);
            const r = results.get(cell.id) as SweepCellResult;
            record(r, outcome);
            progress.cellEnded(w, outcome.kind === 'finished', outcome.seconds, outcomeLine(cell, outcome));
          },
          onLog: (w, line) => progress.log(`[w${w + 1}] ${line}`),
          onWorkerDied: (_w, reason) => progress.log(`warning: ${reason}`),
        },
      });
      timings.poolStarted(workers);
      await pool.run();
      timings.lap('pool');
    } else {
      timings.lap('setup');
    }
  } finally {
    progress.stop();
    if (options.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    options.signal?.removeEventListener('abort', onAbort);
  }

  const cells = [...results.values()];
  const failed = cells.filter((c) => c.status === 'failed').length;
  const finished = cells.filter((c) => c.status === 'finished').length;
  const seconds = (performance.now() - ctx.t0) / 1000;
  await parent.logArtifactBytes(SWEEP_ARTIFACTS.cells, `${JSON.stringify(cells.map((c) => ({ ...c, config: ctx.expanded.cells.find((x) => x.id === c.id)?.config })), null, 2)}\n`);
  await parent.logMetrics({ 'sweep.cells': cells.length, 'sweep.finished': finished, 'sweep.skipped': skipped, 'sweep.failed': failed, 'sweep.wall_seconds': seconds }, 0);
  await parent.end(interrupted ? 'KILLED' : failed > 0 ? 'FAILED' : 'FINISHED');
  timings.lap('finish');
  const result: SweepResult = {
    name: spec.name,
    experiment: spec.experiment,
    trackingUri: tracker.store.uri,
    parentRunId: parent.runId,
    cells,
    interrupted,
    failed,
    seconds,
    exitCode: interrupted ? 130 : failed > 0 ? 1 : 0,
  };
  if (options.report && !interrupted) {
    try {
      result.reportPath = await options.report(result);
    } catch (e) {
      out(`warning: the report could not be rendered: ${(e as Error).message}`);
    }
    timings.lap('report');
  }
  // Written last (to the ended parent run, as the report writes its files), so that the report's time is in it.
  result.timings = timings.record();
  result.seconds = result.timings.wall;
  await ctx.tracker.store.putArtifact(parent.runId, SWEEP_ARTIFACTS.timings, `${JSON.stringify(result.timings, null, 2)}\n`);
  for (const line of summary(result, options.resumeCommand)) out(line);
  return result;
}

function record(r: SweepCellResult, o: CellOutcome): void {
  r.runId = o.runId ?? r.runId;
  r.seconds = o.seconds;
  if (o.kind === 'finished') {
    r.status = 'finished';
    r.metrics = o.metrics;
    delete r.error;
  } else {
    r.status = o.kind;
    r.error = o.error;
  }
}

function outcomeLine(cell: SweepCell, o: CellOutcome): string {
  if (o.kind === 'finished') {
    const map = o.metrics['test.map_macro'] ?? o.metrics['map_macro'];
    return `done ${cell.label} in ${formatDuration(o.seconds)}${map !== undefined ? `: mAP ${map.toFixed(4)}` : ''}${o.stage1Reused ? ' (stage 1 reused)' : ''} [run ${o.runId}]`;
  }
  return `${o.kind === 'killed' ? 'KILLED' : 'FAILED'} ${cell.label}: ${o.error}${o.runId ? ` [run ${o.runId}]` : ''}`;
}

function countOf(plan: PlannedCell[], state: CellState): number {
  return plan.filter((p) => p.state === state).length;
}

function expanded(ctx: ExecuteContext): string {
  const e = ctx.expanded;
  return `${e.points} grid points${e.excluded ? `, ${e.excluded} excluded` : ''}${e.points - e.excluded > e.cells.length ? `, ${e.points - e.excluded - e.cells.length} collapsed as identical` : ''}`;
}

const STATE_TEXT: Record<CellState, string> = { done: 'done', stale: 'stale', running: 'running', failed: 'failed', killed: 'killed', new: 'to run' };

/** The `--dry-run` table: count, id, label, state and what this invocation would do. */
export function cellTable(e: ExpandedSweep, plan: PlannedCell[], rerunStale: boolean): string[] {
  const rows = plan.map((p, i) => [String(i + 1), shortHash(p.cell.id), STATE_TEXT[p.state] + (p.state === 'stale' ? (rerunStale ? ' (rerun)' : ' (kept)') : p.run && p.state !== 'new' ? ' (rerun)' : ''), p.cell.label]);
  const head = ['#', 'cell', 'status', 'label'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const fmt = (r: string[]): string => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c] as number))).join('  ').trimEnd();
  const toRun = plan.filter((p) => p.run).length;
  const counts = (Object.keys(STATE_TEXT) as CellState[]).filter((s) => countOf(plan, s) > 0).map((s) => `${countOf(plan, s)} ${STATE_TEXT[s]}`);
  return [
    fmt(head),
    ...rows.map(fmt),
    `${plan.length} cells (${e.points} grid points${e.excluded ? `, ${e.excluded} excluded` : ''}): ${counts.join(', ')}; ${toRun} would run`,
  ];
}

/** The end summary: counts, failures (error and run id), parent run, how to browse and how to resume. */
export function summary(r: SweepResult, resumeCommand?: string): string[] {
  const count = (s: CellResultStatus): number => r.cells.filter((c) => c.status === s).length;
  const lines = [
    `sweep ${r.name} ${r.interrupted ? 'INTERRUPTED' : r.failed ? 'finished with failures' : 'finished'} in ${formatDuration(r.seconds)}: ${count('finished')} ran, ${count('done') + count('stale')} skipped (already done${count('stale') ? `, ${count('stale')} stale` : ''}), ${r.failed} failed${count('killed') ? `, ${count('killed')} killed` : ''}${count('not run') ? `, ${count('not run')} not run` : ''}${count('running') ? `, ${count('running')} running elsewhere` : ''}`,
  ];
  const failures = r.cells.filter((c) => c.status === 'failed');
  if (failures.length) {
    lines.push('failed cells:');
    for (const f of failures) lines.push(`  ${f.label} (cell ${shortHash(f.id)}, run ${f.runId ?? 'none'}): ${f.error}`);
  }
  if (r.parentRunId) lines.push(`parent run: ${r.parentRunId} (experiment '${r.experiment}')`);
  if (r.reportPath) lines.push(`report: ${r.reportPath}`);
  if (r.timings && r.cells.some((c) => c.status !== 'done' && c.status !== 'stale')) lines.push(...timingLines(r.timings));
  lines.push(`browse: mlflow ui --backend-store-uri ${r.trackingUri}`);
  if ((r.interrupted || r.failed > 0) && resumeCommand) lines.push(`resume: ${resumeCommand}`);
  return lines;
}

/** The cell's stage-1 key (undefined when its method does not start from stage 1), with its dataset's digest. */
function stage1KeyOf(e: ExpandedSweep, cell: SweepCell): string | undefined {
  if (METHODS.get(cell.config.method).startsFrom !== 'source') return undefined;
  return stage1Key(cell.config, e.digests.get(cell.config.dataset) ?? '');
}

function specObject(spec: SweepSpec): Record<string, unknown> {
  const { name, description, experiment, preset, base, grid, zip, cells, seeds, exclude } = spec;
  return JSON.parse(canonicalJson({ name, description, experiment, preset: preset ?? null, base, grid, zip, cells, seeds, exclude })) as Record<string, unknown>;
}

async function specText(spec: SweepSpec): Promise<string> {
  try {
    return await readFile(spec.file, 'utf8');
  } catch {
    return `${JSON.stringify(specObject(spec), null, 2)}\n`;
  }
}


/**
 * The parent run of an earlier invocation of the same spec (same name and spec hash), reopened as RUNNING, so
 * that a resumed sweep keeps every cell under one parent (MLflow's tree, the report). undefined when there is
 * none, or when it is RUNNING in a live process (markDeadRuns has run: a concurrent sweep keeps its own).
 */
async function reopenParent(tracker: Tracker, spec: SweepSpec, hash: string, heartbeatMs: number): Promise<StoreRunLogger | undefined> {
  const store = tracker.store;
  const experiment = await store.getExperimentByName(spec.experiment);
  if (!experiment) return undefined;
  const page = await store.searchRuns({ experimentIds: [experiment.experimentId], tags: { [SWEEP_TAGS.sweep]: spec.name, [SWEEP_TAGS.role]: 'parent', [SWEEP_TAGS.specHash]: hash }, maxResults: 10 });
  const previous = page.runs.find((r) => r.info.status !== 'RUNNING');
  if (!previous) return undefined;
  const info = await store.updateRun(previous.info.runId, { status: 'RUNNING' });
  const logger = new StoreRunLogger(store, info, () => {
    throw new WorkbenchError('INTERNAL', 'a reopened sweep parent starts no child run itself: its workers do');
  });
  const beat = async (): Promise<void> => logger.setTags({ [HEARTBEAT_TAGS.heartbeat]: String(Date.now()) });
  await logger.setTags({ [HEARTBEAT_TAGS.heartbeat]: String(Date.now()), [HEARTBEAT_TAGS.intervalMs]: String(heartbeatMs), [HEARTBEAT_TAGS.pid]: String(process.pid), [HEARTBEAT_TAGS.host]: hostname() });
  if (heartbeatMs > 0) {
    const timer = setInterval(() => void beat().catch(() => undefined), heartbeatMs);
    timer.unref();
    logger.onEnd(() => clearInterval(timer));
  }
  return logger;
}
