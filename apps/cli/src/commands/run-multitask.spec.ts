import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCorpus, writeDataset } from '@workbench/data';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cli-multitask-'));
const dataset = join(tmp, 'synthetic');
writeDataset(generateSyntheticCorpus({ seed: 1, labels: 4, sourceRows: 40, targetTrainRows: 30, targetTestRows: 20 }), dataset);
const uri = `sqlite:///${join(tmp, 'mlflow.db')}`;
const FAST = ['--set', `dataset=${dataset}`, '--set', 'tasks=[{"name":"labels"}]', '--set', 'backbone.vocabSize=150', '--set', 'backbone.maxLength=16', '--set', 'backbone.overrides={"numLayers":1,"hiddenSize":16,"numHeads":2,"intermediateSize":32}', '--set', 'optim.epochs=1'];

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, cwd: tmp, timeout: 300000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('workbench run-multitask and bench latency', () => {
  it('runs a cell, logs its model, and times it from the run id', () => {
    const r = cli(['run-multitask', '--method', 'multi-task', '--backbone', 'decoder', '--seed', '1', '--tracking-uri', uri, '--json', ...FAST]);
    expect(r.code).toBe(0);
    const [out] = JSON.parse(r.stdout);
    expect(out).toMatchObject({ method: 'multi-task', backbone: 'decoder', seed: 1 });
    expect(out.metrics.labels.map_macro).toBeGreaterThan(0);
    const b = cli(['bench', 'latency', '--run', out.runId, '--tracking-uri', uri, '--warmup', '1', '--requests', '2', '--json']);
    expect(b.code).toBe(0);
    const bench = JSON.parse(b.stdout);
    expect(bench.results[0]).toMatchObject({ runId: out.runId, method: 'multi-task', backbone: 'decoder', models: 1, parameters: out.parameters });
    expect(bench.results[0].perBatch.map((p: { batchSize: number }) => p.batchSize)).toEqual([1, 32]);
  });

  it('refuses bad input before training: duplicate tasks, a study file of another kind, a run without models', () => {
    const dup = cli(['run-multitask', '--tracking-uri', uri, ...FAST, '--set', 'tasks=[{"name":"labels"},{"name":"labels"}]']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/two tasks are named 'labels'/);
    const file = join(tmp, 'not-multitask.yaml');
    writeFileSync(file, 'name: x\nstudy: dallmi\nbase: {}\n');
    const wrong = cli(['run-multitask', '--config', file, '--tracking-uri', uri]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not a multi-task study/);
    const missing = cli(['bench', 'latency', '--run', '0123456789abcdef0123456789abcdef', '--tracking-uri', uri]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no models\/manifest.json artifact/);
  });

  it('a study file: cells, latency logged round-robin into the runs, then the report (table + chart) rendered from the store', () => {
    const file = join(tmp, 'study.yaml');
    writeFileSync(
      file,
      [
        'name: tiny-study',
        'description: two cells of a synthetic study',
        'experiment: tiny-study',
        'study: multitask',
        'base:',
        `  dataset: ${dataset}`,
        '  tasks: [{name: labels}]',
        '  backbone: {kind: decoder, vocabSize: 150, maxLength: 16, overrides: {numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32}}',
        '  optim: {epochs: 1}',
        'grid:',
        '  method: [single-task, multi-task]',
        'seeds: [0]',
      ].join('\n'),
    );
    const out = join(tmp, 'report');
    const r = cli(['run-multitask', '--config', file, '--tracking-uri', uri, '--quiet', '--report', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report of 2 of 2 cells/);
    const before = readFileSync(join(out, 'multitask.md'), 'utf8');
    expect(before).toMatch(/\| decoder \| single-task \| 1 \| \d\.\d{3} \|/);
    expect(before).toContain('latency: not measured yet');
    const b = cli(['bench', 'latency', '--experiment', 'tiny-study', '--tracking-uri', uri, '--warmup', '1', '--requests', '2', '--rounds', '2', '--batch-sizes', '1,4', '--log']);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/load average \(1, 5, 15 min\): before [\d.]+ [\d.]+ [\d.]+/);
    const again = cli(['run-multitask', '--config', file, '--tracking-uri', uri, '--report-only', '--report', out]);
    expect(again.code).toBe(0);
    const md = readFileSync(join(out, 'multitask.md'), 'utf8');
    expect(md).toContain('p50 b=1 (ms) | p95 b=1 (ms) | p50 b=4 (ms) | p95 b=4 (ms) | parameters |');
    expect(md).toMatch(/latency: wasm; 2 requests in 2 round-robin rounds after 1 warm-up; load average before/);
    expect(md).toMatch(/\| decoder \| parameters \| 0 \| 1\.000 \| 1 \|/);
    const html = readFileSync(join(out, 'multitask.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(JSON.parse(readFileSync(join(out, 'multitask.vl.json'), 'utf8')).vconcat).toHaveLength(2);
    const usage = cli(['run-multitask', '--report-only', '--tracking-uri', uri]);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/need a study file/);
  });
});

