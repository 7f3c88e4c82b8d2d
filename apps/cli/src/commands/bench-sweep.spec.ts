import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCorpus, writeDataset } from '@workbench/data';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cli-bench-sweep-'));
const dataset = join(tmp, 'synthetic');
writeDataset(generateSyntheticCorpus({ seed: 1, labels: 4, sourceRows: 80, targetTrainRows: 50, targetTestRows: 40 }), dataset);
const spec = join(tmp, 'tiny.yaml');
writeFileSync(
  spec,
  [
    'name: tiny',
    'preset: ngram',
    'base:',
    `  dataset: ${JSON.stringify(dataset)}`,
    '  task: labels',
    '  backbone: {overrides: {buckets: 2048, dim: 16}}',
    '  source: {epochs: 1, batchSize: 16}',
    '  target: {epochs: 1, batchSize: 16}',
    'grid:',
    '  method: [source-only, partial-supervised]',
    'seeds: [0]',
  ].join('\n') + '\n',
);

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, cwd: tmp, timeout: 300000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('workbench bench-sweep', () => {
  it('rejects a bad worker list (usage error) before running anything', () => {
    const r = cli(['bench-sweep', '--config', spec, '--workers', '1,0']);
    expect(r.code).toBe(2); // a usage error
    expect(r.stderr).toContain("--workers must list positive integers, got '1,0'");
  });

  it('times the sweep from scratch and says where the time went (serial steps, workers, cell phases)', () => {
    const r = cli(['bench-sweep', '--config', spec, '--workers', '1', '--json']);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as { summary: { workers: number; seconds: number; speedup: number }[]; runs: { seconds: number; timings: { wall: number; parent: Record<string, number>; workers: { cells: number; startup: number }[]; phases: Record<string, number>; cells: unknown[] } }[] };
    expect(out.summary).toEqual([{ workers: 1, seconds: out.runs[0]!.seconds, speedup: 1 }]);
    const t = out.runs[0]!.timings;
    // The sweep's own account fits inside the command's wall time, and every cell reported its phases.
    expect(t.wall).toBeLessThan(out.runs[0]!.seconds);
    expect(t.workers).toEqual([expect.objectContaining({ cells: 2 })]);
    expect(t.workers[0]!.startup).toBeGreaterThan(0);
    expect(t.cells).toHaveLength(2);
    expect(Object.keys(t.parent)).toEqual(expect.arrayContaining(['expand', 'store', 'setup', 'pool', 'finish']));
    for (const phase of ['run.start', 'data.load', 'stage1.train', 'method.train', 'evaluate', 'log', 'run.end']) expect(t.phases[phase]).toBeGreaterThanOrEqual(0);
    expect(t.phases['stage1.train']).toBeGreaterThan(0);
  });
});
