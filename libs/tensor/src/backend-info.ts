/** The backends the workbench can run on, in the order `initBackend` tries them. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One backend `initBackend` tried, and why it was or was not taken. */
export interface BackendAttempt {
  backend: BackendName;
  /** The npm package that provides it. */
  package: string;
  ok: boolean;
  reason: string;
}

export interface BackendInfo {
  /** The workbench's name for the backend. */
  name: BackendName;
  /** The name tfjs registered it under (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  package: string;
  /** True when a native GPU build is in use. */
  gpu: boolean;
  /** True when chosen by WORKBENCH_BACKEND or an explicit option. */
  forced: boolean;
  /** Why this backend was chosen, in one sentence. */
  reason: string;
  attempts: BackendAttempt[];
  /** wasm only: SIMD and multi-threading support. */
  simd?: boolean;
  threads?: boolean;
  /** Kernel fixes registered for this backend. */
  kernelFixes: string[];
  /** tfjs package versions. */
  versions: Record<string, string>;
}
