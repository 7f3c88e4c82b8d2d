import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCorpus, writeDataset } from '@workbench/data';
import { openStore } from '@workbench/tracking';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cli-run-'));
const dataset = join(tmp, 'synthetic');
writeDataset(generateSyntheticCorpus({ seed: 1, labels: 4, sourceRows: 80, targetTrainRows: 50, targetTestRows: 40 }), dataset);
const uri = `sqlite:///${join(tmp, 'mlflow.db')}`;
const FAST = ['--preset', 'ngram', '--set', 'task=labels', '--set', 'source.epochs=2', '--set', 'target.epochs=1', '--set', 'backbone.overrides={"buckets":2048,"dim":16}', '--set', 'eval.validationFraction=0.2'];

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'run', ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, cwd: tmp, timeout: 300000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('workbench run', () => {
  it('runs one cell, prints its metrics as JSON and logs a FINISHED run', async () => {
    const r = run(['--dataset', dataset, '--method', 'dallmi', '--scenario', 'keep30', '--seed', '2', '--tracking-uri', uri, '--json', ...FAST]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config.method).toBe('dallmi');
    expect(out.config.scenario.name).toBe('keep30');
    expect(out.config.seed).toBe(2);
    expect(out.metrics.map_macro).toBeGreaterThan(0);
    const store = await openStore({ uri, readOnly: true });
    try {
      const stored = await store.getRun(out.runId);
      expect(stored.info.status).toBe('FINISHED');
      expect(stored.data.tags['workbench.config_hash']).toBe(out.cellId);
      expect(stored.data.params['method']).toBe('dallmi');
      const latest = Object.fromEntries(stored.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]));
      expect(latest['map_macro']).toBe(out.metrics.map_macro);
    } finally {
      await store.close();
    }
  });

  it('an unknown method fails with the valid names and a did-you-mean, exit 1', () => {
    const r = run(['--dataset', dataset, '--method', 'dalmi', '--tracking-uri', uri]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--method: unknown method 'dalmi' (did you mean 'dallmi'?); valid:");
  });

  it('an unknown scenario, a bad --set key and a bad --seed name the flag', () => {
    const s = run(['--dataset', dataset, '--method', 'dallmi', '--scenario', 'keep5O', '--tracking-uri', uri]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("--scenario");
    expect(s.stderr).toContain("keep5O");
    const k = run(['--dataset', dataset, '--method', 'dallmi', '--set', 'target.epohcs=2', '--tracking-uri', uri]);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain("target.epohcs: unknown key 'epohcs' (did you mean 'epochs'?)");
    const seed = run(['--method', 'dallmi', '--seed', '-1']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed must be a non-negative integer, got '-1'");
  });
});
