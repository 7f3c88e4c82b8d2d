/** One cell's time: when and where it ran, and where its seconds went (phases as the worker measured them). */
export interface CellTiming {
  id: string;
  label: string;
  worker: number;
  /** Seconds since the sweep started, as the parent saw them (dispatch to outcome). */
  start: number;
  end: number;
  status: string;
  /** CPU seconds of the worker process while it ran the cell (GC threads included). */
  cpu: number | undefined;
  /** Exclusive seconds per phase: `run.start`, `run.end` and runCell's (`data.load`, `stage1.train`, ...). */
  phases: Record<string, number>;
}

export interface WorkerTiming {
  /** Seconds from the pool's start to the worker's `ready` (process, tsx, backend, store). */
  startup: number | undefined;
  /** Seconds spent running cells (dispatch to outcome). */
  busy: number;
  /** CPU seconds of its cells. */
  cpu: number;
  cells: number;
}

/** What `sweep/timings.json` holds. */
export interface SweepTimingsRecord {
  wall: number;
  /** CPU seconds of the parent process (planning, progress, IPC, finishing, report). */
  parentCpu: number;
  /** Serial work of the parent: `expand` (dataset digests), `store` (open, dead runs, plan), `setup` (parent run), `pool`, `finish`, `report`. */
  parent: Record<string, number>;
  workers: WorkerTiming[];
  /** Worker seconds per phase, summed over cells. */
  phases: Record<string, number>;
  cells: CellTiming[];
}

/**
 * Where a sweep's wall time went: the parent's serial steps, each worker's start-up, busy and idle time, and
 * every cell's phases. Logged as `sweep/timings.json` on the parent run and summarised at the end, so that a
 * slow sweep says why (fixed costs per cell, a worker idle at the end, a serial report).
 */
export class SweepTimings {
  private readonly t0: number;
  private last: number;
  private readonly parent = new Map<string, number>();
  private readonly workers: WorkerTiming[] = [];
  private readonly running = new Map<number, number>();
  private poolStart = 0;
  readonly cells: CellTiming[] = [];

  private readonly cpu0: NodeJS.CpuUsage;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly cpuUsage: (since?: NodeJS.CpuUsage) => NodeJS.CpuUsage = (since) => process.cpuUsage(since),
  ) {
    this.t0 = now();
    this.last = this.t0;
    this.cpu0 = cpuUsage();
  }

  /** Closes the parent's step running since the previous lap. */
  lap(step: string): void {
    const t = this.now();
    this.parent.set(step, (this.parent.get(step) ?? 0) + (t - this.last) / 1000);
    this.last = t;
  }

  poolStarted(workers: number): void {
    this.lap('setup');
    this.poolStart = this.now();
    for (let w = 0; w < workers; w++) this.workers[w] = { startup: undefined, busy: 0, cpu: 0, cells: 0 };
  }

  workerReady(w: number): void {
    const s = this.workers[w];
    if (s && s.startup === undefined) s.startup = (this.now() - this.poolStart) / 1000;
  }

  cellStarted(w: number): void {
    this.running.set(w, this.now());
  }

  cellEnded(w: number, cell: { id: string; label: string }, status: string, phases: Record<string, number> | undefined, cpu?: number): void {
    const t = this.now();
    const start = this.running.get(w) ?? t;
    this.running.delete(w);
    const s = this.workers[w];
    if (s) {
      s.busy += (t - start) / 1000;
      s.cpu += cpu ?? 0;
      s.cells++;
    }
    this.cells.push({ id: cell.id, label: cell.label, worker: w, start: (start - this.t0) / 1000, end: (t - this.t0) / 1000, status, cpu, phases: phases ?? {} });
  }

  record(): SweepTimingsRecord {
    const phases = new Map<string, number>();
    for (const c of this.cells) for (const [k, v] of Object.entries(c.phases)) phases.set(k, (phases.get(k) ?? 0) + v);
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    const parentCpu = this.cpuUsage(this.cpu0);
    return {
      wall: round((this.now() - this.t0) / 1000),
      parentCpu: round((parentCpu.user + parentCpu.system) / 1e6),
      parent: Object.fromEntries([...this.parent].map(([k, v]) => [k, round(v)])),
      workers: this.workers.map((w) => ({ startup: w.startup === undefined ? undefined : round(w.startup), busy: round(w.busy), cpu: round(w.cpu), cells: w.cells })),
      phases: Object.fromEntries([...phases].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)])),
      cells: this.cells,
    };
  }
}

/** The end-of-sweep lines: the wall time split into serial steps and worker time, and worker time into phases. */
export function timingLines(r: SweepTimingsRecord): string[] {
  const s = (x: number | undefined): string => `${(x ?? 0).toFixed(1)} s`;
  const serial = Object.entries(r.parent).filter(([k]) => k !== 'pool');
  const lines = [`time: ${s(r.wall)} wall = ${[...serial.filter(([k]) => k !== 'finish' && k !== 'report').map(([k, v]) => `${k} ${s(v)}`), `workers ${s(r.parent['pool'])}`, ...serial.filter(([k]) => k === 'finish' || k === 'report').map(([k, v]) => `${k} ${s(v)}`)].join(' + ')}`];
  const pool = r.parent['pool'];
  if (pool !== undefined && r.workers.length > 0) {
    const per = r.workers.map((w, i) => {
      const idle = Math.max(0, pool - (w.startup ?? 0) - w.busy);
      return `w${i + 1} start-up ${s(w.startup)}, ${w.cells} cells ${s(w.busy)} (cpu ${s(w.cpu)}), idle ${s(idle)}`;
    });
    lines.push(`workers: ${per.join('; ')}; parent cpu ${s(r.parentCpu)}`);
  }
  const total = Object.values(r.phases).reduce((a, b) => a + b, 0);
  if (total > 0) lines.push(`cell time by phase (summed over cells, ${s(total)}): ${Object.entries(r.phases).map(([k, v]) => `${k} ${s(v)} (${Math.round((100 * v) / total)}%)`).join(', ')}`);
  return lines;
}
