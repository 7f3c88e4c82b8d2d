import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
});
