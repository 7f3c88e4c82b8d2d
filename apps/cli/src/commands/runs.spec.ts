import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker, openStore } from '@workbench/tracking';
import { main } from '../main.ts';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI in-process in `cwd` (fast). */
async function runIn(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { MLFLOW_TRACKING_URI: '', ...env } });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

/** A store with a sweep (parent + 2 children, one FAILED) and a lone run, in `uri` under a fresh folder. */
async function seed(uri: string): Promise<{ cwd: string; parent: string; cells: string[] }> {
  const cwd = tempDir('wb-cli-runs-');
  const store = await openStore({ uri, cwd, env: {} });
  const tracker = new Tracker(store, { heartbeatMs: 0, userId: 'ana' });
  const parent = await tracker.startRun({ experiment: 'sweep', runName: 'sweep-1', startTime: 1_700_000_000_000 });
  const cells: string[] = [];
  for (const [i, status] of [[0, 'FINISHED'], [1, 'FAILED']] as const) {
    const cell = await parent.startChild(`cell-${i}`, { 'workbench.config_hash': `hash${i}` });
    await cell.logParams({ 'method.lr': 0.01 * (i + 1) });
    await cell.logMetrics({ 'target/mAP': 0.5 + i / 10, loss: NaN }, 3, 1_700_000_100_000);
    await cell.logArtifactBytes('per-label.json', '{"a": 1}');
    await cell.logInputs([{ name: 'debtags-dev', digest: 'abc12345', source: '{}', sourceType: 'local', context: 'train' }]);
    await cell.end(status);
    cells.push(cell.runId);
  }
  await parent.end('FINISHED');
  const lone = await tracker.startRun({ experiment: 'other', runName: 'lone' });
  await lone.end('KILLED');
  await store.close();
  return { cwd, parent: parent.runId, cells };
}

describe('workbench runs', () => {
  it('list: every run, newest first, with status, experiment, parent and metrics; --experiment/--status/--tag filter', async () => {
    const { cwd, parent, cells } = await seed('sqlite:///mlflow.db');
    const all = await runIn(cwd, ['runs', 'list']);
    expect(all.code).toBe(0);
    const lines = all.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+EXPERIMENT\s+PARENT\s+METRICS$/);
    expect(lines).toHaveLength(5);
    expect(all.stdout).toMatch(new RegExp(`${cells[1]}\\s+cell-1\\s+FAILED .*sweep\\s+${parent.slice(0, 8)}\\s+loss=nan target/mAP=0.6`));
    expect(all.stdout).toMatch(/lone\s+KILLED/);

    const sweep = await runIn(cwd, ['runs', 'list', '--experiment', 'sweep', '--json']);
    const listed = JSON.parse(sweep.stdout);
    expect(listed.map((r: any) => r.runName).sort()).toEqual(['cell-0', 'cell-1', 'sweep-1']);
    const cell1 = listed.find((r: any) => r.runName === 'cell-1');
    expect(cell1).toMatchObject({ experiment: 'sweep', status: 'FAILED', params: { 'method.lr': '0.02' }, metrics: { 'target/mAP': 0.6, loss: 'NaN' } });
    expect(cell1.tags['mlflow.parentRunId']).toBe(parent);

    const failed = await runIn(cwd, ['runs', 'list', '--status', 'failed', '--json']);
    expect(JSON.parse(failed.stdout).map((r: any) => r.runId)).toEqual([cells[1]]);
    const byHash = await runIn(cwd, ['runs', 'list', '--tag', 'workbench.config_hash=hash0', '--json']);
    expect(JSON.parse(byHash.stdout).map((r: any) => r.runId)).toEqual([cells[0]]);
  });

  it('show: info, params, latest metrics, tags, datasets, artifacts and child runs; --json', async () => {
    const { cwd, parent, cells } = await seed('file:./mlruns');
    const cell = await runIn(cwd, ['runs', 'show', cells[0], '--tracking-uri', 'file:./mlruns']);
    expect(cell.code).toBe(0);
    expect(cell.stdout).toContain(`run:         ${cells[0]} (cell-0)`);
    expect(cell.stdout).toMatch(/experiment:\s+sweep \(\d{18}\)/);
    expect(cell.stdout).toMatch(/^ {2}method\.lr\s+0\.01$/m);
    expect(cell.stdout).toMatch(/^ {2}target\/mAP\s+0\.5 \(step 3\)$/m);
    expect(cell.stdout).toMatch(/^ {2}debtags-dev\s+digest abc12345, train$/m);
    expect(cell.stdout).toMatch(/^ {2}per-label\.json\s+8 B$/m);
    const sweep = JSON.parse((await runIn(cwd, ['runs', 'show', parent, '--json'], { MLFLOW_TRACKING_URI: 'file:./mlruns' })).stdout);
    expect(sweep.children.sort()).toEqual([...cells].sort());
    expect(sweep).toMatchObject({ runName: 'sweep-1', status: 'FINISHED', experiment: 'sweep', userId: 'ana' });
  });

  it('errors: an unknown run or experiment, a missing store, a bad URI, a bad --status', async () => {
    const { cwd } = await seed('sqlite:///mlflow.db');
    const unknown = await runIn(cwd, ['runs', 'show', '0123456789abcdef0123456789abcdef']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no run with id '0123456789abcdef0123456789abcdef'");
    const noExp = await runIn(cwd, ['runs', 'list', '--experiment', 'swep']);
    expect(noExp.code).toBe(1);
    expect(noExp.stderr).toContain("no experiment named 'swep'");
    expect(noExp.stderr).toContain('sweep');
    const empty = tempDir('wb-cli-empty-');
    const missing = await runIn(empty, ['runs', 'list']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/default tracking URI: no MLflow database at '.*mlflow\.db'/);
    const bad = await runIn(cwd, ['runs', 'list'], { MLFLOW_TRACKING_URI: 'ftp://x/y' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("MLFLOW_TRACKING_URI: tracking URI 'ftp://x/y' has an unsupported scheme 'ftp:'");
    const status = await runIn(cwd, ['runs', 'list', '--status', 'DONE']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("--status must be one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED, got 'DONE'");
  });

  it('the real bin lists a store (as a user runs it)', async () => {
    const { cwd, parent } = await seed('sqlite:///mlflow.db');
    const r = spawnSync(process.execPath, [BIN, 'runs', 'list', '--experiment', 'sweep'], { cwd, encoding: 'utf8', env: { ...process.env, MLFLOW_TRACKING_URI: '' }, timeout: 120000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(parent);
  });
});
