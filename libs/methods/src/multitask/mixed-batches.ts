import { WorkbenchError, type Rng } from '@workbench/core';
import type { SamplingConfig } from './multitask-config.ts';

/** One training batch: the rows, and the tasks whose loss it carries. */
export interface TaskBatch {
  tasks: string[];
  rows: number[];
}

/** The share of batches each task gets under a sampling ratio (sums to 1 over tasks with rows). */
export function taskShares(rowsPerTask: ReadonlyMap<string, number>, ratio: SamplingConfig['ratio']): Map<string, number> {
  const raw = new Map<string, number>();
  for (const [task, n] of rowsPerTask) {
    const w = n === 0 ? 0 : ratio === 'proportional' ? n : ratio === 'uniform' ? 1 : ratio === 'sqrt' ? Math.sqrt(n) : (ratio[task] ?? 0);
    raw.set(task, w);
  }
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new WorkbenchError('CONFIG_INVALID', `sampling.ratio gives every task a weight of 0`, { where: { path: 'sampling.ratio' } });
  return new Map([...raw].map(([t, w]) => [t, w / total]));
}

/**
 * The batches of one epoch.
 * - 'mixed': as many batches as one pass over every task's rows needs (sum of ceil(n_t / B)); each batch
 *   belongs to one task, drawn with the ratio's shares by largest remainder (exact counts, not noisy
 *   draws), in a shuffled order; a task's rows are drawn without replacement and reshuffled when exhausted,
 *   so an up-weighted task cycles through its data and a down-weighted one sees part of it.
 * - 'joint': one shuffled pass over the union of rows; every batch carries every task (a task's loss skips
 *   rows it has no label for).
 * Deterministic in `rng` (derive one per epoch).
 */
export function epochBatches(rowsPerTask: ReadonlyMap<string, readonly number[]>, batchSize: number, sampling: SamplingConfig, rng: Rng): TaskBatch[] {
  const tasks = [...rowsPerTask.keys()];
  if (sampling.mode === 'joint') {
    const union = [...new Set([...rowsPerTask.values()].flat())].sort((a, b) => a - b);
    const order = rng.derive('joint').shuffle(union);
    const out: TaskBatch[] = [];
    for (let i = 0; i < order.length; i += batchSize) out.push({ tasks, rows: order.slice(i, i + batchSize) });
    return out;
  }
  const counts = new Map([...rowsPerTask].map(([t, rows]) => [t, rows.length]));
  const shares = taskShares(counts, sampling.ratio);
  const total = [...counts.values()].reduce((n, c) => n + Math.ceil(c / batchSize), 0);
  const quota = largestRemainder(tasks.map((t) => (shares.get(t) as number) * total));
  const slots: string[] = tasks.flatMap((t, i) => new Array<string>(quota[i] as number).fill(t));
  const order = rng.derive('order').shuffle(slots);
  const cursors = new Map<string, { rows: number[]; at: number; pass: number }>();
  const take = (task: string): number[] => {
    let c = cursors.get(task);
    const pool = rowsPerTask.get(task) as readonly number[];
    if (!c) {
      c = { rows: rng.derive(`${task}-0`).shuffle([...pool]), at: 0, pass: 0 };
      cursors.set(task, c);
    }
    const out: number[] = [];
    while (out.length < batchSize && out.length < pool.length) {
      if (c.at >= c.rows.length) {
        c.pass++;
        c.rows = rng.derive(`${task}-${c.pass}`).shuffle([...pool]);
        c.at = 0;
      }
      out.push(c.rows[c.at++] as number);
    }
    return out;
  };
  return order.map((task) => ({ tasks: [task], rows: take(task) }));
}

/** Integers summing to round(sum(x)) closest to x (Hamilton's method); ties to the earlier entry. */
function largestRemainder(x: number[]): number[] {
  const target = Math.round(x.reduce((a, b) => a + b, 0));
  const floors = x.map(Math.floor);
  let left = target - floors.reduce((a, b) => a + b, 0);
  const byRemainder = x.map((v, i) => [v - Math.floor(v), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return floors;
}
