import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend-info.ts';
import { initBackend } from './init-backend.ts';

/** The backends every "same check on every backend" test runs on here (native only where installed). */
export const TEST_BACKENDS: BackendName[] = ['cpu', 'wasm'];

/** Switches to a backend (initialising it and its kernel fixes on first use). For tests and benchmarks. */
export async function useBackend(name: BackendName): Promise<void> {
  await initBackend({ backend: name });
  if (tf.getBackend() !== name) await tf.setBackend(name);
}
