import { SweepTimings, timingLines } from './sweep-timings.ts';

describe('SweepTimings', () => {
  it('splits the wall time into serial steps, worker start-up, busy and idle time, and cell phases', () => {
    let t = 0;
    let cpu = 0;
    const timings = new SweepTimings(
      () => t,
      (since) => ({ user: cpu - (since?.user ?? 0), system: 0 }),
    );
    t = 1500;
    timings.lap('expand');
    t = 2000;
    timings.poolStarted(2); // 'setup' 0.5 s
    t = 5000;
    timings.workerReady(0);
    timings.cellStarted(0);
    t = 6000;
    timings.workerReady(1);
    timings.cellStarted(1);
    t = 15000;
    timings.cellEnded(0, { id: 'a', label: 'A' }, 'finished', { 'method.train': 8, log: 1 }, 9.5);
    t = 16000;
    timings.cellEnded(1, { id: 'b', label: 'B' }, 'finished', { 'method.train': 9, 'stage1.wait': 1 }, 8);
    cpu = 1_250_000;
    timings.lap('pool');
    t = 16500;
    timings.lap('finish');
    const r = timings.record();
    expect(r.wall).toBe(16.5);
    expect(r.parentCpu).toBe(1.25);
    expect(r.parent).toEqual({ expand: 1.5, setup: 0.5, pool: 14, finish: 0.5 });
    expect(r.workers).toEqual([
      { startup: 3, busy: 10, cpu: 9.5, cells: 1 },
      { startup: 4, busy: 10, cpu: 8, cells: 1 },
    ]);
    expect(r.phases).toEqual({ 'method.train': 17, log: 1, 'stage1.wait': 1 });
    expect(r.cells.map((c) => [c.label, c.worker, c.start, c.end])).toEqual([
      ['A', 0, 5, 15],
      ['B', 1, 6, 16],
    ]);
    expect(timingLines(r)).toEqual([
      'time: 16.5 s wall = expand 1.5 s + setup 0.5 s + workers 14.0 s + finish 0.5 s',
      'workers: w1 start-up 3.0 s, 1 cells 10.0 s (cpu 9.5 s), idle 1.0 s; w2 start-up 4.0 s, 1 cells 10.0 s (cpu 8.0 s), idle 0.0 s; parent cpu 1.3 s',
      'cell time by phase (summed over cells, 19.0 s): method.train 17.0 s (89%), log 1.0 s (5%), stage1.wait 1.0 s (5%)',
    ]);
  });
});
