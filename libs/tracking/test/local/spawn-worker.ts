import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'log-worker.ts');
// tsx's loader by absolute URL: `--import tsx` would resolve from the worker's cwd (a temporary folder).
const TSX_LOADER = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

export interface Worker {
  child: ChildProcess;
  /** Steps whose logMetric resolved, as the worker reported them. */
  acked: number[];
  runId: Promise<string>;
  /** Resolves when at least n steps were acknowledged. */
  waitForAcks(n: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnWorker(args: string[], cwd: string): Worker {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, WORKER, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let buffer = '';
  let stderr = '';
  let resolveRun: (id: string) => void = () => undefined;
  const runId = new Promise<string>((r) => (resolveRun = r));
  const waiters: { n: number; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('RUN ')) resolveRun(line.slice(4));
      if (line.startsWith('ACK ')) acked.push(Number(line.slice(4)));
    }
    for (const w of waiters.filter((x) => acked.length >= x.n)) w.resolve();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const waitForAcks = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (acked.length >= n) return resolve();
      waiters.push({ n, resolve });
      void exit.then((e) => reject(new Error(`worker exited (${e.code ?? e.signal}) after ${acked.length} acks: ${e.stderr}`)));
    });
  return { child, acked, runId, waitForAcks, exit };
}
