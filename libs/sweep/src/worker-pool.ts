import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { Progress } from '@workbench/methods';
import type { SweepCell } from './expand-sweep.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

export type CellOutcome =
  | { kind: 'finished'; cellId: string; runId: string; metrics: Record<string, number>; seconds: number; stage1Reused: boolean | undefined; phases: Record<string, number>; cpu: number }
  | { kind: 'failed'; cellId: string; runId: string | undefined; error: string; seconds: number; phases?: Record<string, number>; cpu?: number }
  | { kind: 'killed'; cellId: string; runId: string | undefined; error: string; seconds: number; phases?: Record<string, number>; cpu?: number };

export interface PoolEvents {
  onReady?(worker: number, pid: number, backend: string): void;
  onStarted?(worker: number, cell: SweepCell, runId: string): void;
  onProgress?(worker: number, cell: SweepCell, progress: Progress): void;
  onOutcome(worker: number, cell: SweepCell, outcome: CellOutcome): void;
  /** A line a worker wrote on stdout or stderr. */
  onLog?(worker: number, line: string): void;
  /** A worker died on its own (not stopped by the pool). */
  onWorkerDied?(worker: number, reason: string): void;
}

export interface PoolOptions {
  workers: number;
  init: Omit<WorkerInit, 'type'>;
  /** Hands out the next cell for a free worker (undefined: nothing left). */
  next(worker: number): SweepCell | undefined;
  events: PoolEvents;
}

const WORKER_MAIN = fileURLToPath(new URL('./sweep-worker-main.ts', import.meta.url));

/** `--import` of tsx: workers run the TypeScript sources as the CLI does, whatever launched the parent (bin, jest). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
}

interface Slot {
  index: number;
  child: ChildProcess;
  cell: SweepCell | undefined;
  runId: string | undefined;
  exited: Promise<void>;
}

/**
 * A pool of worker processes that runs cells until `next` has none left or `stop` is called. A worker that dies
 * in the middle of a cell reports that cell failed and is replaced (once per slot and cell), so one crash does
 * not stop the sweep.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private finish: (() => void) | undefined;

  constructor(private readonly options: PoolOptions) {}

  /** Resolves once every worker has exited (all cells done, or stopped). */
  run(): Promise<void> {
    const done = new Promise<void>((r) => (this.finish = r));
    for (let i = 0; i < this.options.workers; i++) this.spawn(i);
    return done;
  }

  /** Stops: running cells are aborted and end KILLED (after flushing), workers exit, no new cell starts. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const s of this.slots) if (s.child.connected) s.child.send({ type: 'stop' } satisfies ToWorker);
  }

  /** Kills the workers outright (a second Ctrl-C): their runs stay RUNNING until the next sweep marks them dead. */
  kill(): void {
    this.stopping = true;
    for (const s of this.slots) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }

  get running(): { worker: number; cell: SweepCell; runId: string | undefined }[] {
    return this.slots.filter((s) => s.cell).map((s) => ({ worker: s.index, cell: s.cell as SweepCell, runId: s.runId }));
  }

  private spawn(index: number): void {
    const child = fork(WORKER_MAIN, [], {
      execArgv: ['--import', tsxLoader(), '--no-warnings=ExperimentalWarning'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...Object.fromEntries(Object.entries(this.options.init.env).filter((e): e is [string, string] => e[1] !== undefined)) },
    });
    const slot: Slot = { index, child, cell: undefined, runId: undefined, exited: new Promise((r) => child.once('exit', () => r())) };
    this.slots[index] = slot;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.options.events.onLog?.(index, line));
    }
    child.on('message', (m: FromWorker) => this.onMessage(slot, m));
    child.once('exit', (code, signal) => this.onExit(slot, code, signal));
    child.send({ type: 'init', ...this.options.init } satisfies ToWorker);
  }

  private dispatch(slot: Slot): void {
    const cell = this.stopping ? undefined : this.options.next(slot.index);
    if (!cell) {
      slot.cell = undefined;
      if (slot.child.connected) slot.child.send({ type: 'exit' } satisfies ToWorker);
      return;
    }
    slot.cell = cell;
    slot.runId = undefined;
    slot.child.send({ type: 'run', cell: { id: cell.id, label: cell.label, config: cell.config, preset: cell.preset } } satisfies ToWorker);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const ev = this.options.events;
    switch (m.type) {
      case 'ready':
        ev.onReady?.(slot.index, m.pid, m.backend);
        this.dispatch(slot);
        break;
      case 'started':
        slot.runId = m.runId;
        if (slot.cell) ev.onStarted?.(slot.index, slot.cell, m.runId);
        break;
      case 'progress':
        if (slot.cell) ev.onProgress?.(slot.index, slot.cell, m.progress);
        break;
      case 'finished':
      case 'failed': {
        const cell = slot.cell;
        slot.cell = undefined;
        if (cell) {
          const outcome: CellOutcome =
            m.type === 'finished'
              ? { kind: 'finished', cellId: m.cellId, runId: m.runId, metrics: m.metrics, seconds: m.seconds, stage1Reused: m.stage1Reused, phases: m.phases, cpu: m.cpu }
              : { kind: m.killed ? 'killed' : 'failed', cellId: m.cellId, runId: m.runId, error: m.error, seconds: m.seconds, phases: m.phases, cpu: m.cpu };
          ev.onOutcome(slot.index, cell, outcome);
        }
        this.dispatch(slot);
        break;
      }
      case 'fatal':
        ev.onWorkerDied?.(slot.index, `worker could not start: ${m.error}`);
        break;
    }
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const cell = slot.cell;
    slot.cell = undefined;
    if (cell) {
      const reason = `worker process ${slot.child.pid} exited (${signal ?? `code ${code}`}) while running the cell`;
      this.options.events.onOutcome(slot.index, cell, { kind: this.stopping ? 'killed' : 'failed', cellId: cell.id, runId: slot.runId, error: reason, seconds: 0 });
    }
    const unexpected = !this.stopping && (code !== 0 || cell !== undefined);
    if (unexpected) {
      this.options.events.onWorkerDied?.(slot.index, `worker ${slot.index + 1} (pid ${slot.child.pid}) exited with ${signal ?? `code ${code}`}`);
      // Replace it only if it had got going (a worker that cannot even start would fail again).
      if (cell !== undefined) {
        this.spawn(slot.index);
        return;
      }
    }
    if (this.slots.every((s) => s.child.exitCode !== null || s.child.signalCode !== null)) this.finish?.();
  }
}
