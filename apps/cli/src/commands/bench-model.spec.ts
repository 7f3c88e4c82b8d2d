import { main } from '../main.ts';

async function runIn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, WORKBENCH_BACKEND: 'wasm' } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const SMALL = ['--layers', '1', '--hidden', '32', '--heads', '2', '--ffn', '64', '--vocab', '200', '--batch', '2', '--seq', '8', '--runs', '2', '--warmup', '1', '--no-calibrate'];

describe('workbench bench model', () => {
  it('--json reports medians, throughput, parameter count, backend, optimizer and a kernel profile', async () => {
    const r = await runIn(['bench', 'model', ...SMALL, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.backend).toBe('wasm');
    expect(d.config).toMatchObject({ layers: 1, hidden: 32, heads: 2, ffn: 64, vocab: 200, batch: 2, seq: 8 });
    // embeddings (200 + 512 + 2) x 32 + 2 x 32 LayerNorm; layer: 4 x (32x32 + 32) + LayerNorm 64 + (32x64 + 64) + (64x32 + 32) + LayerNorm 64; pooler 32x32 + 32; head 32 x 8 + 8.
    expect(d.parameters).toBe(714 * 32 + 64 + 4 * (1024 + 32) + 64 + (2048 + 64) + (2048 + 32) + 64 + 1056 + 264);
    expect(d.trainStepRunsMs).toHaveLength(2);
    expect(d.trainStepMs).toBeGreaterThan(0);
    expect(d.inferenceMs).toBeGreaterThan(0);
    expect(d.trainStepCpuMs).toBeGreaterThan(0);
    expect(d.inferenceCpuMs).toBeGreaterThan(0);
    expect(d.trainTokensPerSecond).toBeCloseTo((2 * 8 * 1000) / d.trainStepMs, 6);
    expect(d.optimizer).toMatch(/^AdamW \(workbench trainStep/);
    expect(d.kernels.map((k: { kernel: string }) => k.kernel)).toContain('BatchMatMul');
    expect(d.embeddingGradientMs).toBeGreaterThanOrEqual(0);
    expect(d.matmulGflops).toBeNull();
  }, 300000); // minutes when every core is busy, seconds otherwise

  it('prints a readable summary, and rejects heads that do not divide hidden (usage, exit 2)', async () => {
    const r = await runIn(['bench', 'model', ...SMALL, '--no-profile', '--optimizer', 'tfjs-adam']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^optimizer\s+tf\.train\.adam/m);
    expect(r.stdout).toMatch(/^train step\s+\d/m);
    expect(r.stdout).toMatch(/sequences\/s/);
    const bad = await runIn(['bench', 'model', '--hidden', '32', '--heads', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--hidden 32 is not divisible by --heads 3');
    const typo = await runIn(['bench', 'model', '--optimizer', 'adamv']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown --optimizer 'adamv'.*adamw/);
  }, 300000);
});
