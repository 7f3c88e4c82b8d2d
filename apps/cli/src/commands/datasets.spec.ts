import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.ts';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const REPO = path.resolve(path.dirname(BIN), '../../..');

function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, WORKBENCH_DATASETS: '', DALLMI_DATA: '', ...env }, timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in-process (fast); the two must-show checks spawn the real bin. */
async function runIn(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(REPO);
  try {
    const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, WORKBENCH_DATASETS: '', DALLMI_DATA: '', ...env } });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    process.chdir(cwd);
  }
}

/** A DALLMi-format dataset (unnamed index column, text, 0/1 label block) whose line 3 has a stray '2'. */
function badDallmiDataset(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wb-cli-ds-'));
  const card = {
    name: 'tiny-dallmi',
    description: 'DALLMi-format CSV with a stray cell',
    license: 'CC0-1.0',
    provenance: { source: 'hand-made' },
    format: 'dallmi-csv',
    options: { textColumn: 'abstractText', firstLabelColumn: 2 },
    splits: { source: { file: 'male.csv', domain: 'source' } },
    domains: { source: {} },
    tasks: [{ name: 'labels', type: 'multi-label', field: 'labels', labels: ['A', 'B'] }],
  };
  writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify(card));
  writeFileSync(path.join(dir, 'male.csv'), ',Title,abstractText,A,B\n0,t0,"first, with a comma",1,0\n1,t1,second,1,2\n2,t2,third,0,1\n');
  return dir;
}

describe('workbench datasets', () => {
  it('show debtags-dev --json reports 3,503 / 1,672 / 1,218 rows and 20 labels', () => {
    const r = run(['datasets', 'show', 'debtags-dev', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.splits.map((x: { name: string; rows: number }) => [x.name, x.rows])).toEqual([
      ['source', 3503],
      ['target_train', 1672],
      ['target_test', 1218],
    ]);
    expect(s.tasks[0]).toMatchObject({ name: 'tags', type: 'multi-label' });
    expect(s.tasks[0].labels).toHaveLength(20);
    expect(s.tasks[0].frequencies.source['interface::graphical']).toBe(459);
    expect(s.splits[0].words.p50).toBeGreaterThan(0);
    expect(s.nonInputFields).toEqual(['domain', 'section']);
    expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('show prints a readable summary', async () => {
    const r = await runIn(['datasets', 'show', 'debtags-dev']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}source +3,503 +source 3,503/m);
    expect(r.stdout).toContain("task tags: multi-label, field 'labels', 20 labels");
    expect(r.stdout).toContain('validation: 6,393 read, 6,393 kept, 0 rejected');
    expect(r.stdout).toContain('texts shared between splits: none');
  });

  it('list names every card and whether its data is present', async () => {
    const r = await runIn(['datasets', 'list', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    const byName = Object.fromEntries(d.datasets.map((x: { name: string; status: string }) => [x.name, x.status]));
    expect(byName['debtags-dev']).toBe('bundled');
    expect(byName['dallmi-pubmed']).toBe('needs DALLMI_DATA');
    const withRoot = await runIn(['datasets', 'list', '--json'], { DALLMI_DATA: os.tmpdir() });
    const pubmed = JSON.parse(withRoot.stdout).datasets.find((x: { name: string }) => x.name === 'dallmi-pubmed');
    expect(pubmed.status).toBe(`external (DALLMI_DATA=${os.tmpdir()}), missing pubmed_male.csv, pubmed_female.csv`);
  });

  it('a DALLMi-format CSV with a stray non-0/1 cell fails with its file and line', () => {
    const dir = badDallmiDataset();
    const r = run(['datasets', 'validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${dir}/male.csv:3: split 'source': label column 'B' (column 5) holds "2", not 0 or 1 (row 'source:1')`);
  });

  it('validate --lenient writes the rejects to a report and exits 1', async () => {
    const dir = badDallmiDataset();
    const report = path.join(dir, 'out', 'rejects.jsonl');
    const r = await runIn(['datasets', 'validate', dir, '--lenient', '--report', report]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 read, 2 kept, 1 rejected (bad-label-cell 1)');
    expect(r.stdout).toContain(`rejected rows written to ${report}`);
    const rejects = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects).toEqual([{ split: 'source', file: `${dir}/male.csv`, line: 3, id: 'source:1', code: 'bad-label-cell', reason: `label column 'B' (column 5) holds "2", not 0 or 1` }]);
  });

  it('validate of a valid dataset exits 0', async () => {
    const r = await runIn(['datasets', 'validate', 'debtags-dev', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rowsRead: 6393, rowsKept: 6393, rowsRejected: 0 });
  });

  it('an unknown dataset and a missing DALLMI_DATA are clear errors, exit 1', async () => {
    let r = await runIn(['datasets', 'show', 'debtag-dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown dataset 'debtag-dev' (did you mean 'debtags-dev'?)");
    r = await runIn(['datasets', 'show', 'dallmi-arxiv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DALLMI_DATA, which is not set; it needs 'arvix_older_papers.csv' there");
  });
});
