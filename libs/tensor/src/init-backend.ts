import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { WorkbenchError, didYouMeanSuffix } from '@workbench/core';
import { BACKEND_NAMES, type BackendAttempt, type BackendInfo, type BackendName } from './backend-info.ts';
import { REGISTERED_FIXES, registerCpuKernelFixes, registerWasmKernelFixes } from './kernels/register-kernel-fixes.ts';

export interface InitBackendOptions {
  /** Force a backend; overrides WORKBENCH_BACKEND. */
  backend?: string;
  /** Environment to read WORKBENCH_BACKEND from (default: process.env). */
  env?: Record<string, string | undefined>;
}

let current: BackendInfo | undefined;

/** The backend chosen by the last `initBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** Parses a backend name from an option or WORKBENCH_BACKEND, naming the source on a bad value. */
export function parseBackendName(value: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new WorkbenchError(
    'BACKEND_INVALID',
    `invalid backend '${value}'${didYouMeanSuffix(value, BACKEND_NAMES)}; valid values: ${BACKEND_NAMES.join(', ')}`,
    { where: { source }, details: { valid: [...BACKEND_NAMES] } },
  );
}

/**
 * Picks and initialises the TensorFlow.js backend: the native binding with a GPU (`@tensorflow/tfjs-node-gpu`,
 * when importable and a GPU is visible), the native CPU binding (`@tensorflow/tfjs-node`), wasm
 * (`@tensorflow/tfjs-backend-wasm`), then the pure-JS cpu backend. `WORKBENCH_BACKEND=tensorflow|wasm|cpu`
 * forces one; a forced backend that cannot load is an error, never a silent fallback.
 * Kernel fixes for wasm and cpu are registered before the backend is used.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const forcedRaw = options.backend ?? env['WORKBENCH_BACKEND'];
  const source = options.backend !== undefined ? 'backend option' : 'WORKBENCH_BACKEND';
  const forced = forcedRaw !== undefined && forcedRaw !== '' ? parseBackendName(forcedRaw, source) : undefined;
  if (current && (forced === undefined || forced === current.name) && tf.getBackend() === current.tfBackend) return current;

  // Prod mode: no debug checks and no "install tfjs-node" banner on every process.
  tf.enableProdMode();
  const attempts: BackendAttempt[] = [];
  const order: BackendName[] = forced ? [forced] : [...BACKEND_NAMES];
  for (const name of order) {
    const result = await tryBackend(name, attempts);
    if (result) {
      const last = attempts[attempts.length - 1] as BackendAttempt;
      const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.package} ${a.reason.startsWith('not installed') ? 'is not installed' : 'was skipped'}`);
      const reason = forced
        ? `forced by ${source}=${forced}`
        : `the first backend that loads, in the order tfjs-node-gpu, tfjs-node, wasm, cpu${skipped.length ? ` (${skipped.join(', ')})` : ''}: ${last.reason}`;
      current = {
        ...result,
        forced: forced !== undefined,
        reason,
        attempts,
        kernelFixes: REGISTERED_FIXES[result.tfBackend] ?? [],
        versions: { ...(tf.version as Record<string, string>) },
      };
      return current;
    }
  }
  const failed = attempts.map((a) => `${a.package}: ${a.reason}`).join('; ');
  throw new WorkbenchError('BACKEND_UNAVAILABLE', forced ? `backend '${forced}' cannot be loaded: ${failed}` : `no TensorFlow.js backend could be loaded: ${failed}`, {
    where: forced ? { source } : undefined,
    hint: forced === 'tensorflow' ? 'install @tensorflow/tfjs-node (or -gpu) on a machine with internet access, or unset WORKBENCH_BACKEND' : undefined,
  });
}

type Partial = Pick<BackendInfo, 'name' | 'tfBackend' | 'package' | 'gpu' | 'simd' | 'threads'>;

async function tryBackend(name: BackendName, attempts: BackendAttempt[]): Promise<Partial | undefined> {
  switch (name) {
    case 'tensorflow':
      return (await tryNative('@tensorflow/tfjs-node-gpu', true, attempts)) ?? (await tryNative('@tensorflow/tfjs-node', false, attempts));
    case 'wasm':
      return tryWasm(attempts);
    case 'cpu':
      return tryCpu(attempts);
  }
}

/** True when an NVIDIA GPU is visible to this process. */
export function gpuVisible(): boolean {
  try {
    if (existsSync('/proc/driver/nvidia/gpus') && readdirSync('/proc/driver/nvidia/gpus').length > 0) return true;
  } catch {
    // unreadable: fall through to nvidia-smi
  }
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && /GPU \d/.test(r.stdout);
}

async function tryNative(pkg: string, gpu: boolean, attempts: BackendAttempt[]): Promise<Partial | undefined> {
  if (gpu && !gpuVisible()) {
    attempts.push({ backend: 'tensorflow', package: pkg, ok: false, reason: 'no GPU visible (no /proc/driver/nvidia/gpus, nvidia-smi finds none)' });
    return undefined;
  }
  try {
    // A variable specifier: the package is optional and usually absent, so the type checker must not resolve it.
    const spec = pkg;
    await import(spec);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason =
      err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND'
        ? 'not installed (an optionalDependency: its install downloads libtensorflow, which fails without internet access)'
        : `installed but failed to load: ${firstLine(err.message)}`;
    attempts.push({ backend: 'tensorflow', package: pkg, ok: false, reason });
    return undefined;
  }
  if (!(await tf.setBackend('tensorflow'))) {
    attempts.push({ backend: 'tensorflow', package: pkg, ok: false, reason: 'imported, but the tensorflow backend failed to initialise' });
    return undefined;
  }
  attempts.push({ backend: 'tensorflow', package: pkg, ok: true, reason: gpu ? 'native TensorFlow with a visible GPU' : 'native TensorFlow on the CPU' });
  return { name: 'tensorflow', tfBackend: 'tensorflow', package: pkg, gpu };
}

async function tryWasm(attempts: BackendAttempt[]): Promise<Partial | undefined> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernelFixes();
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
  } catch (e) {
    attempts.push({ backend: 'wasm', package: pkg, ok: false, reason: `failed to load: ${firstLine((e as Error).message)}` });
    return undefined;
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  attempts.push({ backend: 'wasm', package: pkg, ok: true, reason: `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, ${threads ? 'multi-threaded' : 'single-threaded'}` });
  return { name: 'wasm', tfBackend: 'wasm', package: pkg, gpu: false, simd, threads };
}

async function tryCpu(attempts: BackendAttempt[]): Promise<Partial | undefined> {
  const pkg = '@tensorflow/tfjs-backend-cpu';
  registerCpuKernelFixes();
  if (!(await tf.setBackend('cpu'))) {
    attempts.push({ backend: 'cpu', package: pkg, ok: false, reason: 'tf.setBackend("cpu") returned false' });
    return undefined;
  }
  attempts.push({ backend: 'cpu', package: pkg, ok: true, reason: 'pure JavaScript (slow: for checks and machines without WebAssembly)' });
  return { name: 'cpu', tfBackend: 'cpu', package: pkg, gpu: false };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
