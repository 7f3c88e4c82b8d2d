import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/workbench.js', import.meta.url));

/** Runs the real `workbench` bin in a child process, as a user would. */
function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: '', ...env }, timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('workbench CLI', () => {
  it('doctor --json names the backend, why, versions, cores, memory and tracking URI', () => {
    const r = run(['doctor', '--json'], { MLFLOW_TRACKING_URI: 'file:/tmp/x' });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(d.backend.name);
    if (d.backend.name === 'wasm') {
      expect(d.backend.simd).toBe(true);
      expect(d.backend.reason).toMatch(/tfjs-node is not installed/);
    }
    expect(d.versions.node).toBe(process.versions.node);
    expect(d.versions.tfjs).toBe('4.22.0');
    expect(d.machine.cores).toBeGreaterThan(0);
    expect(d.machine.memoryGiB).toBeGreaterThan(0);
    expect(d.tracking).toEqual({ uri: 'file:/tmp/x', source: 'MLFLOW_TRACKING_URI' });
  });

  it('WORKBENCH_BACKEND=cpu doctor names cpu', () => {
    const r = run(['doctor'], { WORKBENCH_BACKEND: 'cpu' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend:\s+cpu /m);
    expect(r.stdout).toContain('forced by WORKBENCH_BACKEND=cpu');
  });

  it('WORKBENCH_BACKEND=bogus fails with the valid values, exit 1', () => {
    const r = run(['doctor'], { WORKBENCH_BACKEND: 'bogus' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("WORKBENCH_BACKEND: invalid backend 'bogus'; valid values: tensorflow, wasm, cpu");
  });

  it('an unknown command prints a clear message and the usage, exit 2', () => {
    const r = run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('Usage: workbench');
  });

  it('an unknown flag prints a did-you-mean and the usage, exit 2', () => {
    const r = run(['doctor', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--jsn'");
    expect(r.stderr).toContain('--json');
    expect(r.stderr).toContain('Usage: workbench doctor');
  });

  it('a bad flag value names the flag and the value, exit 2', () => {
    const r = run(['bench', 'kernels', '--runs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--runs must be a positive integer, got '0'");
  });

  it('no command prints the usage, exit 2', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: workbench');
  });

  it('bench kernels --json reports the four matmul variants (small size: speed is not tested here)', () => {
    const r = run(['bench', 'kernels', '--json', '--size', '64', '--runs', '3', '--warmup', '1']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.results.map((x: { variant: string }) => x.variant)).toEqual(['plain', 'transposeA', 'transposeB', 'transposeAB']);
    for (const x of d.results) expect(x.gflops).toBeGreaterThan(0);
  });
});
