import { SweepProgress, formatDuration } from './sweep-progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, sink: { write: (s: string) => void chunks.push(s), isTTY, columns: 200 } };
}

describe('SweepProgress', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(75.4)).toBe('01:15');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(NaN)).toBe('--:--');
  });

  it('writes plain log lines off a TTY, with worker progress at most every 30 s and an overall ETA', () => {
    let now = 0;
    const { chunks, sink: s } = sink(false);
    const p = new SweepProgress(s, 4, 2, () => now);
    p.cellStarted(0, 'dallmi keep50 seed 0');
    now = 1000;
    p.progress(0, { stage: 'target', epoch: 1, epochs: 2, step: 1, steps: 20, loss: 0.7 });
    now = 31_000;
    p.progress(0, { stage: 'target', epoch: 1, epochs: 2, step: 5, steps: 20, loss: 0.5 });
    now = 32_000;
    p.progress(0, { stage: 'target', epoch: 2, epochs: 2, step: 11, steps: 20, loss: 0.4 });
    now = 40_000;
    p.cellEnded(0, true, 10, 'done dallmi keep50 seed 0');
    p.stop();
    expect(chunks).toEqual([
      '[w1] start dallmi keep50 seed 0\n',
      // A quarter of the stage in 30 s: 90 s to go.
      '[w1] dallmi keep50 seed 0 | target epoch 1/2 step 5/20 loss 0.5000 | target ETA 01:30\n',
      // 3 cells left at 10 s each on 2 workers.
      '[w1] done dallmi keep50 seed 0 (1/4 cells, elapsed 00:40, ETA 00:15)\n',
    ]);
    expect(chunks.join('')).not.toContain('\x1b[');
  });

  it('redraws a live block (bar + one line per worker) in place on a TTY, logs above it', () => {
    let now = 0;
    const { chunks, sink: s } = sink(true);
    const p = new SweepProgress(s, 2, 2, () => now);
    now = 500;
    p.cellStarted(1, 'vpu keep10 seed 1');
    now = 1000;
    p.progress(1, { stage: 'source', epoch: 1, epochs: 4, step: 1, steps: 40, loss: 0.5 });
    now = 3000;
    p.progress(1, { stage: 'source', epoch: 1, epochs: 4, step: 5, steps: 40, loss: 0.25 });
    p.log('a message');
    p.stop();
    const out = chunks.join('');
    expect(out).toContain('[........................] 0/2 cells, elapsed 00:03, ETA --:--\n  w1 idle\n  w2 vpu keep10 seed 1 | source epoch 1/4 step 5/40 loss 0.2500 | source ETA 00:14\n');
    // Each redraw first erases the 3 lines drawn before; the log line goes where the block was.
    expect(out).toContain('\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2Ka message\n');
    expect(out.endsWith('\x1b[1A\x1b[2K'.repeat(3))).toBe(true);
  });
});
