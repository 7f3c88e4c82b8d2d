import type { SweepCell } from './expand-sweep.ts';

/** What the scheduler learns from a cell that ended. */
export interface EndedCell {
  finished: boolean;
  seconds: number;
  /** CPU seconds of the worker while it ran the cell. */
  cpu?: number;
  /** The worker's phases (runCell's and the run's), when it reported them. */
  phases?: Record<string, number>;
}

/** Phases that belong to the shared stage 1, not to the cell's method. */
const STAGE1_PHASES = ['stage1.train', 'stage1.wait', 'stage1.load'];

/**
 * Hands out cells so that workers never wait when there is work they could do, and the sweep does not end with
 * one worker running a long cell while the others idle:
 * 1. a cell whose stage 1 nobody has trained or is training: it trains it, unlocking that key's other cells
 *    (the key with the most cells first);
 * 2. else a cell whose stage 1 is ready (or that has none), the longest first (longest-processing-time order,
 *    which keeps the tail short): a cell's length is the mean of the finished cells of its method, stage 1 left
 *    out, in CPU seconds when the worker reported them; a method not seen yet counts as the longest (in doubt, start it early);
 * 3. else (every remaining cell waits on a stage 1 being trained) the first: it waits on that key's lock, which
 *    is the earliest a worker could do anything.
 * The order changes no result: a cell's metrics depend only on its config (runCell restarts from stage 1's
 * weights whether it trained them or not).
 */
export class SweepScheduler {
  private readonly queue: SweepCell[];
  private readonly training = new Map<string, string>();
  private readonly readyKeys = new Set<string>();
  private readonly methodSeconds = new Map<string, { total: number; n: number }>();

  /**
   * @param keyOf the cell's stage-1 key (undefined: it has none)
   * @param inCache whether a stage-1 key is in the cache (asked until it is: a failed cell may leave it absent)
   */
  private readonly keys = new Map<string, string | undefined>();

  constructor(
    cells: SweepCell[],
    keyOf: (cell: SweepCell) => string | undefined,
    private readonly inCache: (key: string) => boolean,
  ) {
    this.queue = [...cells];
    for (const c of cells) this.keys.set(c.id, keyOf(c));
  }

  private keyOf(cell: SweepCell): string | undefined {
    return this.keys.get(cell.id);
  }

  /** A key once in the cache stays there (the cache never drops a finished stage). */
  private isReady(key: string): boolean {
    if (this.readyKeys.has(key)) return true;
    if (!this.inCache(key)) return false;
    this.readyKeys.add(key);
    return true;
  }

  get remaining(): number {
    return this.queue.length;
  }

  next(): SweepCell | undefined {
    if (this.queue.length === 0) return undefined;
    const i = this.pickStarter() ?? this.pickLongestReady() ?? 0;
    const [cell] = this.queue.splice(i, 1) as [SweepCell];
    const key = this.keyOf(cell);
    if (key !== undefined && !this.isReady(key) && !this.training.has(key)) this.training.set(key, cell.id);
    return cell;
  }

  ended(cell: SweepCell, outcome: EndedCell): void {
    const key = this.keyOf(cell);
    if (key !== undefined && this.training.get(key) === cell.id) this.training.delete(key);
    if (!outcome.finished) return;
    const stage1 = STAGE1_PHASES.reduce((s, p) => s + (outcome.phases?.[p] ?? 0), 0);
    const ownShare = outcome.seconds > 0 ? Math.max(0, outcome.seconds - stage1) / outcome.seconds : 0;
    // CPU seconds when known: wall seconds on a shared machine say more about the load than about the cell.
    const own = (outcome.cpu ?? outcome.seconds) * ownShare;
    const m = this.methodSeconds.get(cell.config.method) ?? { total: 0, n: 0 };
    this.methodSeconds.set(cell.config.method, { total: m.total + own, n: m.n + 1 });
  }

  /** The estimated length of a cell without stage 1 (Infinity when its method has not finished a cell yet). */
  estimate(cell: SweepCell): number {
    const m = this.methodSeconds.get(cell.config.method);
    return m ? m.total / m.n : Infinity;
  }

  private pickStarter(): number | undefined {
    const pending = new Map<string, { first: number; count: number }>();
    this.queue.forEach((c, i) => {
      const key = this.keyOf(c);
      if (key === undefined || this.training.has(key) || this.isReady(key)) return;
      const p = pending.get(key);
      if (p) p.count++;
      else pending.set(key, { first: i, count: 1 });
    });
    let best: { first: number; count: number } | undefined;
    for (const p of pending.values()) if (!best || p.count > best.count) best = p;
    return best?.first;
  }

  private pickLongestReady(): number | undefined {
    let best: number | undefined;
    let bestLength = -1;
    this.queue.forEach((c, i) => {
      const key = this.keyOf(c);
      if (key !== undefined && !this.isReady(key)) return;
      const length = this.estimate(c);
      if (length > bestLength) [best, bestLength] = [i, length];
    });
    return best;
  }
}
