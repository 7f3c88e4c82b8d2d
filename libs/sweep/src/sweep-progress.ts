import type { Progress } from '@workbench/methods';

/** Where the progress goes: a stream (stderr) with its TTY-ness and width. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

interface WorkerLine {
  label: string;
  startedAt: number;
  stageStartedAt: number;
  stage: string;
  progress: Progress | undefined;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * The live view of a sweep: on a TTY, one line per worker (cell, stage, epoch/step, loss, stage ETA) under an
 * overall bar (done/total, failed, elapsed, ETA), redrawn in place at most 10 times a second, with log lines
 * printed above it; elsewhere (CI, a file) plain log lines only, with a worker's progress at most every 30 s.
 */
export class SweepProgress {
  private readonly lines = new Map<number, WorkerLine>();
  private drawn = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly lastPlain = new Map<number, number>();
  private done = 0;
  private failed = 0;
  private readonly durations: number[] = [];
  private readonly t0: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly workers: number,
    private readonly now: () => number = Date.now,
  ) {
    this.t0 = now();
    if (sink.isTTY) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    }
  }

  /** A log line (above the live block on a TTY). */
  log(text: string): void {
    if (this.sink.isTTY) {
      this.clear();
      this.sink.write(`${text}\n`);
      this.draw();
    } else {
      this.sink.write(`${text}\n`);
    }
  }

  cellStarted(worker: number, label: string): void {
    const t = this.now();
    this.lines.set(worker, { label, startedAt: t, stageStartedAt: t, stage: 'setup', progress: undefined });
    this.lastPlain.set(worker, t);
    if (!this.sink.isTTY) this.log(`[w${worker + 1}] start ${label}`);
    else this.redraw();
  }

  progress(worker: number, p: Progress): void {
    const line = this.lines.get(worker);
    if (!line) return;
    if (p.stage !== line.stage) [line.stage, line.stageStartedAt] = [p.stage, this.now()];
    line.progress = p;
    if (this.sink.isTTY) {
      this.redraw();
    } else {
      const last = this.lastPlain.get(worker) ?? 0;
      if (this.now() - last >= 30_000) {
        this.lastPlain.set(worker, this.now());
        this.log(`[w${worker + 1}] ${this.describe(line)}`);
      }
    }
  }

  cellEnded(worker: number, ok: boolean, seconds: number, text: string): void {
    this.lines.delete(worker);
    if (ok) {
      this.done++;
      if (seconds > 0) this.durations.push(seconds);
    } else {
      this.failed++;
    }
    this.log(`[w${worker + 1}] ${text} (${this.overall()})`);
  }

  /** The overall state: done/total, failed, elapsed and ETA (mean cell time x cells left / workers). */
  overall(): string {
    const elapsed = (this.now() - this.t0) / 1000;
    const left = this.total - this.done - this.failed;
    const mean = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : NaN;
    const eta = (mean * left) / Math.max(1, Math.min(this.workers, left));
    return `${this.done + this.failed}/${this.total} cells${this.failed ? `, ${this.failed} failed` : ''}, elapsed ${formatDuration(elapsed)}, ETA ${left === 0 ? '00:00' : formatDuration(eta)}`;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sink.isTTY) this.clear();
  }

  private describe(line: WorkerLine): string {
    const p = line.progress;
    const elapsed = (this.now() - line.startedAt) / 1000;
    if (!p) return `${line.label} | ${line.stage} | ${formatDuration(elapsed)}`;
    // `step` counts over the whole stage (of `steps`), not within the epoch.
    const fraction = p.steps > 0 ? p.step / p.steps : (p.epoch - 1) / Math.max(1, p.epochs);
    const stageElapsed = (this.now() - line.stageStartedAt) / 1000;
    const eta = fraction > 0 ? (stageElapsed * (1 - fraction)) / fraction : NaN;
    const loss = p.loss !== undefined && Number.isFinite(p.loss) ? ` loss ${p.loss.toFixed(4)}` : '';
    return `${line.label} | ${p.stage} epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps}${loss} | ${p.stage} ETA ${formatDuration(eta)}`;
  }

  private bar(): string {
    const width = 24;
    const filled = this.total > 0 ? Math.round((width * (this.done + this.failed)) / this.total) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.overall()}`;
  }

  private redraw(): void {
    if (!this.sink.isTTY || this.now() - this.lastDraw < 100) return;
    this.clear();
    this.draw();
  }

  private draw(): void {
    const cols = Math.max(40, (this.sink.columns ?? 120) - 1);
    const rows = [this.bar()];
    for (let w = 0; w < this.workers; w++) {
      const line = this.lines.get(w);
      rows.push(`  w${w + 1} ${line ? this.describe(line) : 'idle'}`);
    }
    this.sink.write(`${rows.map((r) => (r.length > cols ? `${r.slice(0, cols - 1)}…` : r)).join('\n')}\n`);
    this.drawn = rows.length;
    this.lastDraw = this.now();
  }

  private clear(): void {
    if (this.drawn === 0) return;
    // Up one line and erase it, once per drawn line.
    this.sink.write('\x1b[1A\x1b[2K'.repeat(this.drawn));
    this.drawn = 0;
  }
}
