import type { RunStatus } from '@workbench/core';
import type { Run } from '@workbench/tracking';
import { expandSweep } from './expand-sweep.ts';
import { planCells } from './sweep-plan.ts';
import { parseSweepSpec } from './sweep-spec.ts';

const cells = expandSweep(parseSweepSpec('name: s\ngrid:\n  method: [dallmi]\nseeds: [0, 1, 2, 3, 4, 5]\n', 's.yaml'), () => 'd').cells;

let clock = 1000;
function run(cellId: string, status: RunStatus, commit = 'c1'): Run {
  clock += 1000;
  return {
    info: { runId: `r${clock}`, experimentId: '1', runName: 'x', userId: 'u', status, startTime: clock, endTime: null, artifactUri: '', lifecycleStage: 'active' },
    data: { params: {}, metrics: [], tags: { 'workbench.config_hash': cellId, 'mlflow.source.git.commit': commit } },
    inputs: [],
  };
}

describe('planCells', () => {
  const [a, b, c, d, e, f] = cells.map((x) => x.id) as [string, string, string, string, string, string];
  const runs = new Map<string, Run[]>([
    [a, [run(a, 'FAILED'), run(a, 'FINISHED')]],
    [b, [run(b, 'FINISHED', 'c0')]],
    [c, [run(c, 'FINISHED'), run(c, 'FAILED')]],
    [d, [run(d, 'KILLED')]],
    [e, [run(e, 'RUNNING')]],
  ]);

  it('skips cells finished from this commit, reruns failed and killed ones, runs new ones', () => {
    const plan = planCells(cells, runs, { gitCommit: 'c1', rerunStale: false });
    expect(plan.map((p) => [p.state, p.run])).toEqual([
      ['done', false],
      ['stale', false],
      ['done', false], // a later failed attempt does not undo a finished result
      ['killed', true],
      ['running', false],
      ['new', true],
    ]);
    expect(plan[0]!.previous?.info.status).toBe('FINISHED');
    expect(plan[0]!.attempts).toBe(2);
    expect(plan[5]!.cell.id).toBe(f);
  });

  it('reruns stale cells with rerunStale, and sees nothing stale without git', () => {
    expect(planCells(cells, runs, { gitCommit: 'c1', rerunStale: true })[1]).toMatchObject({ state: 'stale', run: true });
    expect(planCells(cells, runs, { gitCommit: undefined, rerunStale: false })[1]).toMatchObject({ state: 'done', run: false });
  });
});
