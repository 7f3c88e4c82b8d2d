import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCorpus, writeDataset } from '@workbench/data';
import { openStore, type Run } from '@workbench/tracking';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cli-sweep-'));
const dataset = join(tmp, 'synthetic');
writeDataset(generateSyntheticCorpus({ seed: 1, labels: 4, sourceRows: 80, targetTrainRows: 50, targetTestRows: 40 }), dataset);
const uri = `sqlite:///${join(tmp, 'mlflow.db')}`;
const env = { ...process.env, WORKBENCH_BACKEND: 'wasm' };

function spec(name: string, text: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, `${text}\n`);
  return file;
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, cwd: tmp, timeout: 300000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runs(experiment: string): Promise<Run[]> {
  const store = await openStore({ uri, readOnly: true });
  try {
    const exp = await store.getExperimentByName(experiment);
    return exp ? (await store.searchRuns({ experimentIds: [exp.experimentId] })).runs : [];
  } finally {
    await store.close();
  }
}

const cellRuns = (all: Run[]): Run[] => all.filter((r) => r.data.tags['workbench.sweep.role'] === 'cell');
const metrics = (r: Run): Record<string, number> => Object.fromEntries(r.data.metrics.map((m) => [m.key, m.value]));

describe('workbench sweep', () => {
  it('rejects an unknown method with file:line, the path in the spec and a did-you-mean, before running anything', () => {
    const file = spec('bad', 'name: bad\ngrid:\n  method: [source-only, dallmi, dalmi]\n');
    const r = cli(['sweep', file, '--tracking-uri', uri]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:33: grid.method[2]: unknown method 'dalmi' (did you mean 'dallmi'?)`);
  });

  it('prints the JSON Schema for editors', () => {
    const r = cli(['sweep', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.grid.properties['method'].items.enum).toContain('dallmi');
    expect(schema.properties.base.properties.target.properties.epochs).toEqual({ type: 'integer', minimum: 0 });
  });

  it('stops cleanly on SIGINT (running cell KILLED, resume command printed); the rerun finishes only the missing cells', async () => {
    const file = spec(
      'interrupt',
      [
        'name: interrupt',
        'preset: ngram',
        'base:',
        `  dataset: ${JSON.stringify(dataset)}`,
        '  task: labels',
        '  backbone: {overrides: {buckets: 2048, dim: 16}}',
        '  source: {epochs: 2, batchSize: 16}',
        // Long enough that the interrupted dallmi cell is still running when the signal arrives, on any machine.
        '  target: {epochs: 150, batchSize: 16}',
        '  eval: {validationFraction: 0.2}',
        'grid:',
        '  method: [source-only, dallmi]',
        'seeds: [0, 1]',
      ].join('\n'),
    );
    const args = [BIN, 'sweep', file, '--workers', '1', '--tracking-uri', uri, '--cache-dir', join(tmp, 'cache'), '--no-report'];
    const first = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { env, cwd: tmp });
      let stdout = '';
      let stderr = '';
      let done = 0;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const count = (stderr.match(/\[w1\] done /g) ?? []).length;
        // After the first finished cell, interrupt a dallmi cell (the long one) once it has started.
        if (count >= 1 && done < 1 && /\[w1\] start dallmi/.test(stderr.slice(stderr.indexOf('[w1] done ')))) {
          done = count;
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(first.stderr).toMatch(/SIGINT: stopping; running cells end KILLED/);
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/sweep interrupt INTERRUPTED/);
    expect(first.stdout).toContain(`resume: npx workbench sweep ${file} --workers 1 --tracking-uri ${uri}`);

    const afterFirst = cellRuns(await runs('interrupt'));
    const finished = afterFirst.filter((r) => r.info.status === 'FINISHED');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(4);
    expect(afterFirst.filter((r) => r.info.status === 'RUNNING')).toEqual([]);
    expect(afterFirst.filter((r) => r.info.status === 'KILLED').length).toBeLessThanOrEqual(1);
    const before = new Map(finished.map((r) => [r.info.runId, metrics(r)]));

    const second = cli(args.slice(1));
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`${4 - finished.length} ran, ${finished.length} skipped`));
    const afterSecond = cellRuns(await runs('interrupt'));
    const byCell = new Map<string, Run[]>();
    for (const r of afterSecond.filter((x) => x.info.status === 'FINISHED')) byCell.set(r.data.tags['workbench.config_hash']!, [...(byCell.get(r.data.tags['workbench.config_hash']!) ?? []), r]);
    // Every cell finished exactly once; the cells finished before the interrupt kept their runs and metrics.
    expect(byCell.size).toBe(4);
    expect([...byCell.values()].every((l) => l.length === 1)).toBe(true);
    for (const [runId, m] of before) {
      const run = afterSecond.find((r) => r.info.runId === runId)!;
      expect(run.info.status).toBe('FINISHED');
      expect(metrics(run)).toEqual(m);
    }
    // A third run trains nothing.
    const third = cli(args.slice(1));
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/0 ran, 4 skipped/);
    expect(cellRuns(await runs('interrupt'))).toHaveLength(afterSecond.length);
  });
});
