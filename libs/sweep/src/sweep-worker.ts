import { isWorkbenchError } from '@workbench/core';
import { runCell, type Progress } from '@workbench/methods';
import { initBackend } from '@workbench/tensor';
import { HEARTBEAT_TAGS, MLFLOW_LIMITS, RUN_ARTIFACTS, Tracker, WORKBENCH_TAGS, recordRunMetadata, type StoreRunLogger } from '@workbench/tracking';
import { CellMemoCache } from './cell-memo-cache.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

/** Progress messages per cell are throttled: a live line needs a few per second, not one per step. */
const PROGRESS_MS = 250;

/**
 * The body of a sweep worker process: initialises its own backend and tracker, then runs the cells the parent
 * sends, one at a time, each as a child run of the sweep. SIGINT is the parent's to handle (a terminal sends it
 * to the whole process group): the worker stops when the parent says `stop`, or when the parent is gone.
 */
export async function runWorker(): Promise<void> {
  const send = (m: FromWorker): void => {
    if (process.connected) process.send?.(m);
  };
  process.on('SIGINT', () => undefined);
  let init: WorkerInit | undefined;
  let tracker: Tracker | undefined;
  let backend = 'unknown';
  let tfjsVersion: string | undefined;
  let current: { abort: AbortController; done: Promise<void> } | undefined;
  let stopping = false;
  const queue: ToWorker[] = [];
  let wake: (() => void) | undefined;
  // Shared by the cells this worker runs: each pays for a dataset, a backbone and tokenization once.
  const memo = new CellMemoCache();

  const stop = async (): Promise<void> => {
    stopping = true;
    current?.abort.abort();
    await current?.done;
    await tracker?.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m: ToWorker) => {
    if (m.type === 'stop') void stop();
    else {
      queue.push(m);
      wake?.();
    }
  });
  // The parent died (crash, SIGKILL): end the running cell KILLED rather than leave it RUNNING.
  process.on('disconnect', () => void stop());

  const next = async (): Promise<ToWorker> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    return queue.shift() as ToWorker;
  };

  for (;;) {
    const m = await next();
    if (stopping) return;
    if (m.type === 'init') {
      try {
        init = m;
        const info = await initBackend({ env: m.env });
        backend = info.name;
        tfjsVersion = info.versions['tfjs-core'];
        tracker = await Tracker.open({ uri: m.trackingUri, env: m.env, handleSignals: false, heartbeatMs: m.heartbeatMs });
        send({ type: 'ready', pid: process.pid, backend });
      } catch (e) {
        send({ type: 'fatal', error: messageOf(e) });
        process.exit(1);
      }
    } else if (m.type === 'run') {
      if (!init || !tracker) throw new Error('sweep worker: a cell before init');
      const abort = new AbortController();
      const done = runOne(m.cell, init, tracker, backend, tfjsVersion, memo, abort.signal, send);
      current = { abort, done };
      await done;
      current = undefined;
    } else if (m.type === 'exit') {
      await tracker?.close();
      process.exit(0);
    }
  }
}

async function runOne(
  cell: Extract<ToWorker, { type: 'run' }>['cell'],
  init: WorkerInit,
  tracker: Tracker,
  backend: string,
  tfjsVersion: string | undefined,
  memo: CellMemoCache,
  signal: AbortSignal,
  send: (m: FromWorker) => void,
): Promise<void> {
  const t0 = performance.now();
  let run: StoreRunLogger | undefined;
  // Phases outside runCell: the run's creation and metadata, and its end (the store's flush).
  const phases: Record<string, number> = {};
  const since = (t: number): number => Math.round(performance.now() - t) / 1000;
  // CPU seconds of the whole process (GC threads included): unlike wall time, barely inflated by a busy machine.
  const cpu0 = process.cpuUsage();
  const cpu = (): number => {
    const d = process.cpuUsage(cpu0);
    return Math.round((d.user + d.system) / 1000) / 1000;
  };
  try {
    run = await tracker.startRun({
      experimentId: init.experimentId,
      parentRunId: init.parentRunId,
      runName: cell.label,
      tags: { ...init.tags, [WORKBENCH_TAGS.configHash]: cell.id, 'workbench.cell_label': cell.label, ...(cell.preset ? { 'workbench.preset': cell.preset } : {}) },
    });
    send({ type: 'started', cellId: cell.id, runId: run.runId });
    await recordRunMetadata(run, {
      config: cell.config as unknown as Record<string, unknown>,
      configHash: cell.id,
      backend,
      tfjsVersion,
      workbenchVersion: init.workbenchVersion,
      git: init.git,
      sourceName: 'workbench sweep',
    });
    phases['run.start'] = since(t0);
    let last = 0;
    const onProgress = (progress: Progress): void => {
      const now = Date.now();
      if (now - last < PROGRESS_MS && progress.step !== progress.steps) return;
      last = now;
      send({ type: 'progress', cellId: cell.id, progress });
    };
    const result = await runCell({ config: cell.config, logger: run, cacheDir: init.cacheDir, datasetsDir: init.datasetsDir, signal, onProgress, memo });
    const tEnd = performance.now();
    await run.end('FINISHED');
    Object.assign(phases, result.phases, { 'run.end': since(tEnd) });
    send({ type: 'finished', cellId: cell.id, runId: run.runId, metrics: result.record, seconds: (performance.now() - t0) / 1000, stage1Reused: result.stage1?.reused, phases, cpu: cpu() });
  } catch (e) {
    const killed = signal.aborted;
    const error = messageOf(e);
    if (run && !run.isEnded) {
      try {
        await run.setTags({ [WORKBENCH_TAGS.error]: error.slice(0, MLFLOW_LIMITS.runTagValueLength), ...(killed ? { [HEARTBEAT_TAGS.failure]: 'stopped by the sweep (SIGINT/SIGTERM)' } : {}) });
        if (!killed) await run.logArtifactBytes(RUN_ARTIFACTS.error, `${(e as Error)?.stack ?? error}\n`);
      } finally {
        await run.end(killed ? 'KILLED' : 'FAILED');
      }
    }
    send({ type: 'failed', cellId: cell.id, runId: run?.runId, error, killed, seconds: (performance.now() - t0) / 1000, phases, cpu: cpu() });
  }
}

function messageOf(e: unknown): string {
  if (isWorkbenchError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}
