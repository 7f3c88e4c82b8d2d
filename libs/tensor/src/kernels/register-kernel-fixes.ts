import * as tf from '@tensorflow/tfjs';
import { cpuUnsortedSegmentSumConfig } from './cpu-unsorted-segment-sum.ts';
import { wasmBatchMatMulConfig } from './wasm-batch-mat-mul.ts';
import { wasmIdentityConfig } from './wasm-identity.ts';
import { wasmSliceConfig } from './wasm-slice.ts';
import { wasmUnsortedSegmentSumConfig } from './wasm-unsorted-segment-sum.ts';

/** Which fixes are registered, per backend (so doctor can report them and tests can check them). */
export const REGISTERED_FIXES: Record<string, string[]> = {};

/** The stock kernels a fix replaced, keyed `<backend>/<kernel>`: tests compare the fixes against them. */
export const STOCK_KERNELS = new Map<string, tf.KernelConfig>();

const done = new Set<string>();

function replaceKernel(config: tf.KernelConfig): void {
  const stock = tf.getKernel(config.kernelName, config.backendName);
  if (stock) {
    STOCK_KERNELS.set(`${config.backendName}/${config.kernelName}`, stock);
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}

/** Registers the cpu backend's single-pass UnsortedSegmentSum. Idempotent. */
export function registerCpuKernelFixes(): void {
  if (done.has('cpu')) return;
  replaceKernel(cpuUnsortedSegmentSumConfig);
  REGISTERED_FIXES['cpu'] = ['UnsortedSegmentSum (single pass)'];
  done.add('cpu');
}

/**
 * Registers the wasm backend's UnsortedSegmentSum, the transposed BatchMatMul fast path, a zero-copy Identity and
 * a heap-to-heap contiguous Slice. Must run after
 * `@tensorflow/tfjs-backend-wasm` is imported (its kernels are registered on import). Idempotent.
 */
export function registerWasmKernelFixes(): void {
  if (done.has('wasm')) return;
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!stockMatMul) throw new Error('wasm kernels are not registered: import @tensorflow/tfjs-backend-wasm first');
  replaceKernel(wasmUnsortedSegmentSumConfig);
  replaceKernel(wasmBatchMatMulConfig(stockMatMul));
  replaceKernel(wasmIdentityConfig);
  const stockSlice = tf.getKernel('Slice', 'wasm');
  if (stockSlice) replaceKernel(wasmSliceConfig(stockSlice));
  REGISTERED_FIXES['wasm'] = [
    'UnsortedSegmentSum (JS on the wasm heap)',
    'BatchMatMul transposeA/transposeB fast path',
    'Identity shares its buffer (no copy per saved tensor)',
    'Slice: contiguous slices copied heap to heap (not the whole input out and back)',
  ];
  done.add('wasm');
}
