import * as tf from '@tensorflow/tfjs';

/** Live tensors right now. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `fn` and returns its result with the change in live tensors, so a test can assert that a step
 * leaks nothing (`expect(leaked).toBe(0)`). Returned tensors count as live: dispose them first or return data.
 */
export async function measureLeak<T>(fn: () => Promise<T> | T): Promise<{ result: T; leaked: number }> {
  const before = tf.memory().numTensors;
  const result = await fn();
  return { result, leaked: tf.memory().numTensors - before };
}

/** The size of the wasm backend's heap (it grows to the largest footprint and never shrinks; max 4 GiB), or null. */
export function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.length ?? null;
}
