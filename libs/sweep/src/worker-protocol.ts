import type { Progress } from '@workbench/methods';
import type { GitState } from '@workbench/tracking';
import type { SweepCell } from './expand-sweep.ts';

/** What the sweep's parent process tells a worker once, before any cell. */
export interface WorkerInit {
  type: 'init';
  trackingUri: string | undefined;
  env: Record<string, string | undefined>;
  cacheDir: string;
  datasetsDir: string | undefined;
  experimentId: string;
  parentRunId: string;
  /** Tags every child run carries (sweep name, spec hash). */
  tags: Record<string, string>;
  /** Read once by the parent, so every cell of a sweep records the same commit and diff. */
  git: GitState | null;
  workbenchVersion: string | undefined;
  heartbeatMs: number | undefined;
}

export type ToWorker =
  | WorkerInit
  | { type: 'run'; cell: Pick<SweepCell, 'id' | 'label' | 'config' | 'preset'> }
  /** Abort the running cell (it ends KILLED after flushing), then exit. */
  | { type: 'stop' }
  /** No more cells: close the store and exit. */
  | { type: 'exit' };

export type FromWorker =
  | { type: 'ready'; pid: number; backend: string }
  | { type: 'started'; cellId: string; runId: string }
  | { type: 'progress'; cellId: string; progress: Progress }
  | { type: 'finished'; cellId: string; runId: string; metrics: Record<string, number>; seconds: number; stage1Reused: boolean | undefined; phases: Record<string, number>; cpu: number }
  | { type: 'failed'; cellId: string; runId: string | undefined; error: string; killed: boolean; seconds: number; phases?: Record<string, number>; cpu?: number }
  | { type: 'fatal'; error: string };
