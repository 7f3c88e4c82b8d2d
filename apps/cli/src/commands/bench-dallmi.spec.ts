import { main } from '../main.ts';

async function runIn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'workbench', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, WORKBENCH_BACKEND: 'wasm' } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const SMALL = ['--preset', 'tiny', '--labels', '3', '--batch', '4', '--seq', '8', '--runs', '1', '--warmup', '1'];

describe('workbench bench dallmi', () => {
  it('--json reports both steps, wall and cpu overheads and the wasm heap; text names each figure', async () => {
    const r = await runIn(['bench', 'dallmi', ...SMALL, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ backend: 'wasm', preset: 'tiny', labels: 3, batch: 4, seq: 8, mixedRows: 3 });
    expect(d.overhead).toBeCloseTo(d.dallmiMs / d.plainMs - 1, 10);
    expect(d.cpuOverhead).toBeCloseTo(d.dallmiCpuMs / d.plainCpuMs - 1, 10);
    expect(d.wasmHeapBytes).toBeGreaterThan(0);
    const t = await runIn(['bench', 'dallmi', ...SMALL, '--gradient-checkpointing']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/gradient checkpointing$/m);
    expect(t.stdout).toMatch(/^ {2}plain BCE step\s+\d+ ms/m);
    expect(t.stdout).toMatch(/^ {2}MixUp overhead\s+-?\d+\.\d% wall, -?\d+\.\d% cpu/m);
    expect(t.stdout).toMatch(/^ {2}wasm heap\s+\d+ MB/m);
  }, 300000); // minutes when every core is busy, seconds otherwise
});
