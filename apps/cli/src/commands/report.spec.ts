import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@workbench/tracking';
import { main } from '../main.ts';

async function runIn(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { MLFLOW_TRACKING_URI: '' } });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

describe('workbench report', () => {
  let cwd: string;
  let parent: string;
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'wb-cli-report-'));
    const { writeSyntheticSweep } = await import('@workbench/report');
    const store = await openStore({ uri: 'sqlite:///mlflow.db', cwd, env: {} });
    const sweep = await writeSyntheticSweep(store, { experiment: 'cli-sweep', datasets: ['d'], scenarios: ['keep30'], methods: { 'source-only': 0.5, dallmi: 1.2 }, seeds: [1, 2], rows: 30, labels: 3, noCurves: true });
    parent = sweep.parentRunId;
    // Runs no sweep labelled (as `workbench run` makes them): source-only ran under keep50 only.
    await writeSyntheticSweep(store, { experiment: 'by-hand', datasets: ['d'], scenarios: ['keep50', 'keep10'], methods: { 'source-only': 0.5, dallmi: 1.2 }, sharedAcrossScenarios: ['source-only'], cellRecord: 'none', seeds: [1], rows: 20, labels: 3, noCurves: true });
    await store.close();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('--sweep writes the report, prints its path, logs it to the sweep run', async () => {
    const r = await runIn(cwd, ['report', '--sweep', parent, '--out', 'rep', '--resamples', '50']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`report: ${join(cwd, 'rep', 'report.html')}`);
    expect(r.stdout).toContain(`logged as artifacts of run ${parent}`);
    expect(readFileSync(join(cwd, 'rep', 'report.md'), 'utf8')).toContain('| d | keep30 | dallmi ⚠ | 2 |');
    expect(existsSync(join(cwd, 'rep', 'tables', 'summary.csv'))).toBe(true);
  });

  it('--experiment with --json: paths as JSON, nothing logged', async () => {
    const r = await runIn(cwd, ['report', '--experiment', 'cli-sweep', '--out', 'rep2', '--resamples', '20', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { html: string; loggedTo: string | null };
    expect(out.html).toBe(join(cwd, 'rep2', 'report.html'));
    expect(out.loggedTo).toBeNull();
  });

  it('a sweep or experiment that does not exist: exit 1 and a message listing what exists', async () => {
    const r = await runIn(cwd, ['report', '--sweep', '0'.repeat(32)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no sweep run '${'0'.repeat(32)}'`);
    expect(r.stderr).toContain(parent);
    const e = await runIn(cwd, ['report', '--experiment', 'cli-swep']);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("no experiment named 'cli-swep'");
    expect(e.stderr).toContain('cli-sweep');
  });

  it("--experiment of unlabelled runs: a method whose dependsOn has no scenario key stands for every scenario", async () => {
    const r = await runIn(cwd, ['report', '--experiment', 'by-hand', '--out', 'rep3', '--resamples', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 missing/failed');
    const md = readFileSync(join(cwd, 'rep3', 'report.md'), 'utf8');
    expect(md).toContain('| d | keep10 | source-only † ⚠ |');
    expect(md).toContain("inferred from the method's declared dependsOn");
  });

  it('check <report.html>: recomputes the main table from the store the report names; exit 1 on a difference', async () => {
    const r = await runIn(cwd, ['report', 'check', 'rep/report.html', '--no-browser']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS recomputation of .*rep\/report\.html from the store: 2 summary rows, 40 numbers compared \(2 bootstrap estimates/);
    const html = join(cwd, 'rep', 'report.html');
    writeFileSync(html, readFileSync(html, 'utf8').replace(/(data-name="summary">[\s\S]*?<td class="num" data-v=")2(">)/, '$13$2'));
    const bad = await runIn(cwd, ['report', 'check', 'rep/report.html', '--no-browser']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('failure: dallmi on d / keep30: 3 seeds in the table, 2 FINISHED runs in the store');
    expect((await runIn(cwd, ['report', 'check', 'nope/report.html', '--no-browser'])).code).toBe(1);
  });

  it('neither or both of --sweep/--experiment: usage error (exit 2)', async () => {
    expect((await runIn(cwd, ['report'])).code).toBe(2);
    expect((await runIn(cwd, ['report', '--sweep', parent, '--experiment', 'cli-sweep'])).code).toBe(2);
  });
});
