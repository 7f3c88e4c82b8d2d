// Public API of @workbench/tensor.
export { tf } from './tf.ts';
export { BACKEND_NAMES } from './backend-info.ts';
export type { BackendName, BackendInfo, BackendAttempt } from './backend-info.ts';
export { initBackend, currentBackend, parseBackendName, gpuVisible } from './init-backend.ts';
export type { InitBackendOptions } from './init-backend.ts';
export { registerCpuKernelFixes, registerWasmKernelFixes, REGISTERED_FIXES, STOCK_KERNELS } from './kernels/register-kernel-fixes.ts';
export { liveTensors, measureLeak, wasmHeapBytes } from './memory.ts';
export { lowMemoryVariableGrads } from './low-memory-grads.ts';
export { useBackend, TEST_BACKENDS } from './use-backend.ts';
export { benchMatmul, median } from './bench-matmul.ts';
export type { MatmulBenchOptions, MatmulBenchResult } from './bench-matmul.ts';
