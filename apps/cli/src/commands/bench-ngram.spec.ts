import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../main.ts';

async function runIn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, WORKBENCH_BACKEND: 'wasm' } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('workbench bench ngram', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ngram-'));
  beforeAll(() => {
    // 48 real debtags-dev rows (the model lib's fixture) and the dataset's label list.
    copyFileSync(new URL('../../../../libs/model/test/fixtures/debtags-sample.jsonl', import.meta.url), path.join(dir, 'source.jsonl'));
    copyFileSync(new URL('../../../../datasets/debtags-dev/labels.json', import.meta.url), path.join(dir, 'labels.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json reports both macro mAPs on the same split, the training speed and the per-epoch curve', async () => {
    const r = await runIn(['bench', 'ngram', '--data', dir, '--epochs', '2', '--batch', '16', '--buckets', '4096', '--vocab', '4096', '--dim', '16', '--c', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.split).toEqual({ train: 38, validation: 10, seed: 0, valFraction: 0.2 });
    expect(d.backend).toBe('wasm');
    expect(d.ngram.curve).toHaveLength(2);
    expect(d.ngram.valMacroAp).toBeGreaterThan(0);
    expect(d.ngram.valMacroAp).toBeLessThanOrEqual(1);
    expect(d.ngram.trainSequencesPerSecond).toBeCloseTo((2 * 38 * 1000) / d.ngram.trainMs, 6);
    expect(d.tfidfLogReg.converged).toBe(true);
    expect(d.gap).toBeCloseTo(d.tfidfLogReg.valMacroAp - d.ngram.valMacroAp, 12);
  }, 300000);

  it('names the file of a malformed row', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'bench-ngram-bad-'));
    writeFileSync(path.join(bad, 'source.jsonl'), '{"text": "ok", "labels": []}\n{"text": 3}\n');
    const r = await runIn(['bench', 'ngram', '--data', bad, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(bad, 'source.jsonl')}:2: a row needs "text" (string) and "labels" (array)`);
    rmSync(bad, { recursive: true, force: true });
  });
});
