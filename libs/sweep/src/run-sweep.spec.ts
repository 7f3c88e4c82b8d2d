import { fastBase, metricsOf, runsOf, sweepFixture, writeSpec } from '../test/sweep-fixture.ts';
import { readSweepSpec } from './sweep-spec.ts';
import { runSweep, type RunSweepOptions } from './run-sweep.ts';

const fx = sweepFixture('run-sweep-');
const quiet = { write: () => undefined, isTTY: false };
const env = { ...process.env, WORKBENCH_BACKEND: 'wasm' };

describe('runSweep', () => {
  const file = writeSpec(
    fx.dir,
    'small',
    [
      'name: small',
      fastBase(fx.dataset),
      'grid:',
      '  method: [source-only, dallmi]',
      '  scenario.name: [keep50, keep10]',
      'seeds: [0, 1]',
      'cells:',
      // The ngram backbone has no checkpoint: this cell fails when it runs, and must not stop the others.
      '  - {method: partial-supervised, seed: 0, backbone: {checkpoint: /nonexistent/bert}}',
    ].join('\n'),
  );
  const lines: string[] = [];
  const options: RunSweepOptions = { workers: 2, trackingUri: fx.uri, cacheDir: fx.cacheDir, env, progress: quiet, out: (s) => void lines.push(s), git: { commit: 'abc', dirty: false, diff: '' } };

  it('prints the cell table in a dry run and runs nothing', async () => {
    const r = await runSweep(readSweepSpec(file), { ...options, dryRun: true });
    // source-only ignores the scenario: 2 seeds x (1 + 2) + the explicit cell.
    expect(r.cells).toHaveLength(7);
    expect(r.parentRunId).toBeUndefined();
    expect(lines.at(-1)).toBe('7 cells (9 grid points): 7 to run; 7 would run');
    expect(lines.some((l) => /^\d+\s+[0-9a-f]{12}\s+to run\s+source-only keep50\|keep10 seed 1$/.test(l))).toBe(true);
    expect(await runsOf(fx.uri, 'small')).toEqual([]);
  });

  it('runs every cell as a child run; a failing cell is reported and does not stop the others', async () => {
    lines.length = 0;
    const r = await runSweep(readSweepSpec(file), options);
    expect(r.exitCode).toBe(1);
    expect(r.failed).toBe(1);
    expect(r.cells.filter((c) => c.status === 'finished')).toHaveLength(6);
    const failed = r.cells.find((c) => c.status === 'failed')!;
    expect(failed.error).toMatch(/the ngram backbone has no checkpoints/);
    expect(lines).toContain('failed cells:');
    expect(lines.some((l) => l.includes(`run ${failed.runId}`) && l.includes('no checkpoints'))).toBe(true);
    expect(lines).toContain(`browse: mlflow ui --backend-store-uri ${fx.uri}`);

    const runs = await runsOf(fx.uri, 'small');
    const children = runs.filter((x) => x.data.tags['mlflow.parentRunId'] === r.parentRunId);
    expect(children).toHaveLength(7);
    for (const c of r.cells) {
      const run = children.find((x) => x.info.runId === c.runId)!;
      expect(run.data.tags['workbench.config_hash']).toBe(c.id);
      expect(run.data.tags['workbench.sweep']).toBe('small');
      expect(run.data.tags['workbench.cell_label']).toBe(c.label);
      expect(run.data.tags['mlflow.source.git.commit']).toBe('abc');
      expect(run.info.status).toBe(c.status === 'finished' ? 'FINISHED' : 'FAILED');
      if (c.status === 'finished') expect(metricsOf(run)['map_macro']).toBe(c.metrics!['map_macro']);
    }
    const parent = runs.find((x) => x.info.runId === r.parentRunId)!;
    expect(parent.info.status).toBe('FAILED');
    expect(parent.data.tags['workbench.sweep.role']).toBe('parent');
    expect(children.find((x) => x.data.params['method'] === 'dallmi')!.data.params['scenario.name']).toMatch(/keep(50|10)/);
  });

  it('a second run skips every finished cell and trains nothing; only the failed one runs again', async () => {
    const before = await runsOf(fx.uri, 'small');
    lines.length = 0;
    const r = await runSweep(readSweepSpec(file), options);
    const after = await runsOf(fx.uri, 'small');
    expect(r.cells.filter((c) => c.status === 'done')).toHaveLength(6);
    expect(r.cells.filter((c) => c.status === 'failed')).toHaveLength(1);
    // One new run (the failed cell's retry); the parent run is the same one, reopened.
    expect(after.length).toBe(before.length + 1);
    expect(r.parentRunId).toBe(before.find((x) => x.data.tags['workbench.sweep.role'] === 'parent')!.info.runId);

    const clean = await runSweep(readSweepSpec(file), { ...options, filter: 'method!=partial-supervised' });
    expect(clean.exitCode).toBe(0);
    expect(clean.cells.every((c) => c.status === 'done')).toBe(true);
    expect((await runsOf(fx.uri, 'small')).length).toBe(after.length);
  });

  it('lists cells FINISHED from another commit as stale, and reruns them only when asked', async () => {
    const spec = readSweepSpec(file);
    lines.length = 0;
    await runSweep(spec, { ...options, git: { commit: 'def', dirty: false, diff: '' }, dryRun: true, filter: 'method=source-only' });
    expect(lines.filter((l) => /\bstale \(kept\)/.test(l))).toHaveLength(2);
    lines.length = 0;
    const r = await runSweep(spec, { ...options, git: { commit: 'def', dirty: false, diff: '' }, filter: 'method=source-only,seed=0', rerunStale: true });
    expect(r.exitCode).toBe(0);
    expect(r.cells.map((c) => [c.before, c.status])).toEqual([['stale', 'finished']]);
  });
});
