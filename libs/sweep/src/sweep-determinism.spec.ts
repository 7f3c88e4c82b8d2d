import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryRunLogger } from '@workbench/core';
import { resolveCellConfig, runCell } from '@workbench/methods';
import { useBackend } from '@workbench/tensor';
import { fastBase, sweepFixture, writeSpec } from '../test/sweep-fixture.ts';
import { CellMemoCache } from './cell-memo-cache.ts';
import { runSweep } from './run-sweep.ts';
import { readSweepSpec } from './sweep-spec.ts';

// A cell's result must depend on its config only: not on which worker ran it, on whether it trained the shared
// stage 1 or reused it, or on what the worker's memo already held.
const fx = sweepFixture('sweep-determinism-');
const quiet = { write: () => undefined, isTTY: false };

function config(method: string, scenario: string, seed: number) {
  return resolveCellConfig(
    {
      dataset: fx.dataset,
      task: 'labels',
      method,
      seed,
      scenario: { name: scenario },
      backbone: { overrides: { buckets: 2048, dim: 16 } },
      source: { epochs: 2, batchSize: 16 },
      target: { epochs: 1, batchSize: 16 },
      eval: { validationFraction: 0.2 },
    },
    { preset: 'ngram' },
  );
}

const fresh = (): string => mkdtempSync(join(tmpdir(), 'determinism-cache-'));

describe('cell results do not depend on scheduling or caching', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the cell that trains stage 1 gets the same metrics as one that reuses it, with or without a memo', async () => {
    const cfg = config('partial-supervised', 'keep50', 0);
    const cache = fresh();
    const trained = await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: cache });
    const reused = await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: cache });
    expect(trained.stage1?.reused).toBe(false);
    expect(reused.stage1?.reused).toBe(true);
    expect(reused.record).toEqual(trained.record);

    // One memo over several cells (another method and seed first), as a worker runs them.
    const memo = new CellMemoCache();
    const memoCache = fresh();
    await runCell({ config: config('dallmi', 'keep10', 1), logger: new MemoryRunLogger(), cacheDir: memoCache, memo });
    await runCell({ config: config('source-only', 'keep50', 0), logger: new MemoryRunLogger(), cacheDir: memoCache, memo });
    const memoized = await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: memoCache, memo });
    expect(memo.hits).toBeGreaterThan(0);
    expect(memoized.record).toEqual(trained.record);
    expect(Object.keys(memoized.phases)).toEqual(expect.arrayContaining(['data.load', 'method.train', 'log', 'stage1.wait']));
  });

  it('a sweep gives every cell the same metrics with 1 worker and with 2', async () => {
    const file = writeSpec(
      fx.dir,
      'workers',
      ['name: workers', fastBase(fx.dataset), 'grid:', '  method: [source-only, partial-supervised, dallmi]', '  scenario.name: [keep50]', 'seeds: [0, 1]'].join('\n'),
    );
    const env = { ...process.env, WORKBENCH_BACKEND: 'wasm' };
    const run = async (workers: number): Promise<Map<string, Record<string, number>>> => {
      const dir = mkdtempSync(join(tmpdir(), `determinism-w${workers}-`));
      const r = await runSweep(readSweepSpec(file), { workers, trackingUri: `sqlite:///${join(dir, 'mlflow.db')}`, cacheDir: join(dir, 'cache'), env, progress: quiet, out: () => undefined, git: null });
      expect(r.exitCode).toBe(0);
      expect(r.timings?.workers).toHaveLength(workers);
      return new Map(r.cells.map((c) => [c.id, c.metrics as Record<string, number>]));
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.size).toBe(6);
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [id, metrics] of one) {
      expect(metrics['map_macro']).toBeGreaterThan(0);
      expect(two.get(id)).toEqual(metrics);
    }
  });
});
