import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.ts';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const REPO = path.resolve(path.dirname(BIN), '../../..');
const FIXTURES = path.join(REPO, 'fixtures/hf');
const ATOL = 1e-5;

async function runIn(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, ...env } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function maxAbs(actual: number[], expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  const e = Float32Array.from(expected);
  return actual.reduce((m, a, i) => Math.max(m, Math.abs(a - (e[i] as number))), 0);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'workbench-encode-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the fixture's six texts as JSONL and encodes them as the fixture did (max_length 16, padded). */
async function encodeFixture(model: 'bert-tiny' | 'roberta-tiny', backend: string): Promise<{ out: any; exp: any }> {
  const exp = JSON.parse(readFileSync(path.join(FIXTURES, model, 'expected.json'), 'utf8'));
  const input = path.join(tmp, `${model}.jsonl`);
  writeFileSync(input, exp.texts.map((t: string) => JSON.stringify({ text: t })).join('\n'));
  const outFile = path.join(tmp, `${model}-${backend}.json`);
  const r = await runIn(['encode', '--model', path.join(FIXTURES, model), '--input', input, '--out', outFile, '--max-length', '16'], { WORKBENCH_BACKEND: backend });
  expect(r.stderr).toMatch(new RegExp(`encoded 6 text\\(s\\) with ${model.split('-')[0]} on ${backend}`));
  expect(r.code).toBe(0);
  return { out: JSON.parse(readFileSync(outFile, 'utf8')), exp };
}

describe.each(['cpu', 'wasm'])('workbench encode on %s', (backend) => {
  it('bert-tiny: ids, mask, last_hidden_state, pooler_output and logits as transformers 4.30', async () => {
    const { out, exp } = await encodeFixture('bert-tiny', backend);
    expect(out.backend).toBe(backend);
    const res = out.results as any[];
    expect(res.map((r) => r.text)).toEqual(exp.texts);
    expect(res.map((r) => r.input_ids)).toEqual(exp.batch.input_ids);
    expect(res.map((r) => r.attention_mask)).toEqual(exp.batch.attention_mask);
    expect(res.map((r) => r.token_type_ids)).toEqual(exp.batch.token_type_ids);
    expect(maxAbs(res.flatMap((r) => r.last_hidden_state.flat()), exp.forward.last_hidden_state.data)).toBeLessThanOrEqual(ATOL);
    expect(maxAbs(res.flatMap((r) => r.pooler_output), exp.forward.pooler_output.data)).toBeLessThanOrEqual(ATOL);
    expect(maxAbs(res.flatMap((r) => r.logits), exp.forward.logits.data)).toBeLessThanOrEqual(ATOL);
  });

  it('roberta-tiny: ids, mask, last_hidden_state, pooler_output (no classifier: no logits)', async () => {
    const { out, exp } = await encodeFixture('roberta-tiny', backend);
    const res = out.results as any[];
    expect(res.map((r) => r.input_ids)).toEqual(exp.batch.input_ids);
    expect(res.map((r) => r.attention_mask)).toEqual(exp.batch.attention_mask);
    expect(res.every((r) => r.logits === undefined)).toBe(true);
    expect(maxAbs(res.flatMap((r) => r.last_hidden_state.flat()), exp.forward.last_hidden_state.data)).toBeLessThanOrEqual(ATOL);
    expect(maxAbs(res.flatMap((r) => r.pooler_output), exp.forward.pooler_output.data)).toBeLessThanOrEqual(ATOL);
  });
});

describe('workbench encode errors', () => {
  it('names the folder without weights, and the file and line of a bad input row', async () => {
    const input = path.join(tmp, 'ok.jsonl');
    writeFileSync(input, '{"text": "a"}\n');
    const noModel = await runIn(['encode', '--model', tmp, '--input', input, '--out', path.join(tmp, 'x.json')], { WORKBENCH_BACKEND: 'cpu' });
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toContain(`model folder '${tmp}' has no config.json`);
    const bad = path.join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"text": "a"}\n{"txt": "b"}\n');
    const badRow = await runIn(['encode', '--model', path.join(FIXTURES, 'bert-tiny'), '--input', bad, '--out', path.join(tmp, 'x.json')], { WORKBENCH_BACKEND: 'cpu' });
    expect(badRow.code).toBe(1);
    expect(badRow.stderr).toMatch(/bad.jsonl:2.*expected an object with a string "text"/);
    const tooLong = await runIn(['encode', '--model', path.join(FIXTURES, 'bert-tiny'), '--input', input, '--out', path.join(tmp, 'x.json'), '--max-length', '65'], { WORKBENCH_BACKEND: 'cpu' });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/--max-length 65 exceeds the 64 positions/);
    // A vocabulary larger than the model's embedding table: named, not a read past the table inside tfjs.
    const grown = path.join(tmp, 'grown');
    cpSync(path.join(FIXTURES, 'bert-tiny'), grown, { recursive: true });
    appendFileSync(path.join(grown, 'vocab.txt'), 'zzzextra\n');
    writeFileSync(input, '{"text": "zzzextra"}\n');
    const outside = await runIn(['encode', '--model', grown, '--input', input, '--out', path.join(tmp, 'x.json')], { WORKBENCH_BACKEND: 'cpu' });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain("the tokenizer produced id 332, outside the model's vocab_size 332");
  });

  it('reads stdin with --input - through the real bin', () => {
    const outFile = path.join(tmp, 'stdin.json');
    const r = spawnSync(process.execPath, [BIN, 'encode', '--model', path.join(FIXTURES, 'bert-tiny'), '--input', '-', '--out', outFile], {
      input: '{"text": "The quick brown fox"}\n',
      encoding: 'utf8',
      env: { ...process.env, WORKBENCH_BACKEND: 'wasm' },
      timeout: 280000,
    });
    expect(r.stderr).toContain('encoded 1 text(s) with bert on wasm');
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(outFile, 'utf8'));
    expect(out.padding).toBe('longest');
    expect(out.results[0].input_ids).toEqual([2, 111, 112, 113, 114, 3]);
    expect(out.results[0].logits).toHaveLength(5);
  }, 300000); // a cold tsx start takes minutes when every core is busy
});
