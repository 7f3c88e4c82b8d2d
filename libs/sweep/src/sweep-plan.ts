import type { RunStatus } from '@workbench/core';
import { MLFLOW_TAGS, WORKBENCH_TAGS, type Run, type TrackingStore } from '@workbench/tracking';
import type { SweepCell } from './expand-sweep.ts';

/**
 * Where a cell stands in the tracking store:
 * - `done`: FINISHED from the current git commit (skipped);
 * - `stale`: FINISHED only from another commit (skipped unless `rerunStale`);
 * - `running`: RUNNING in a live process (another sweep on the same store): skipped, not run twice;
 * - `failed` / `killed`: its last run ended so, or its process died (run again);
 * - `new`: never run (run).
 */
export type CellState = 'done' | 'stale' | 'running' | 'failed' | 'killed' | 'new';

export interface PlannedCell {
  cell: SweepCell;
  state: CellState;
  /** Whether this invocation runs it. */
  run: boolean;
  /** The run that decides the state (the finished one, or the latest attempt). */
  previous: Run | undefined;
  attempts: number;
}

export interface PlanOptions {
  /** The commit the sweep runs from; FINISHED runs of other commits are stale. undefined: no git, nothing stale. */
  gitCommit: string | undefined;
  rerunStale: boolean;
}

/** Every run of the experiments that carries a config hash, grouped by it (one paged scan, not one query per cell). */
export async function runsByConfigHash(store: TrackingStore, experimentIds: string[]): Promise<Map<string, Run[]>> {
  const out = new Map<string, Run[]>();
  if (experimentIds.length === 0) return out;
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns({ experimentIds, pageToken });
    for (const run of page.runs) {
      const hash = run.data.tags[WORKBENCH_TAGS.configHash];
      // The parent run of a sweep carries the spec's hash, never a cell's.
      if (hash === undefined || run.data.tags['workbench.sweep.role'] === 'parent') continue;
      const list = out.get(hash);
      if (list) list.push(run);
      else out.set(hash, [run]);
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

const newestFirst = (a: Run, b: Run): number => b.info.startTime - a.info.startTime;

/** The state of every cell given the runs already in the store (dead runs must have been marked first). */
export function planCells(cells: SweepCell[], runs: Map<string, Run[]>, options: PlanOptions): PlannedCell[] {
  return cells.map((cell) => {
    const previous = [...(runs.get(cell.id) ?? [])].sort(newestFirst);
    const byStatus = (s: RunStatus): Run[] => previous.filter((r) => r.info.status === s);
    const finished = byStatus('FINISHED');
    const current = finished.find((r) => options.gitCommit === undefined || r.data.tags[MLFLOW_TAGS.gitCommit] === options.gitCommit);
    let state: CellState;
    let decisive: Run | undefined;
    if (current) [state, decisive] = ['done', current];
    else if (finished.length > 0) [state, decisive] = ['stale', finished[0]];
    else if (byStatus('RUNNING').length > 0) [state, decisive] = ['running', byStatus('RUNNING')[0]];
    else if (previous.length > 0) [state, decisive] = [previous[0]!.info.status === 'KILLED' ? 'killed' : 'failed', previous[0]];
    else state = 'new';
    const run = state === 'new' || state === 'failed' || state === 'killed' || (state === 'stale' && options.rerunStale);
    return { cell, state, run, previous: decisive, attempts: previous.length };
  });
}
