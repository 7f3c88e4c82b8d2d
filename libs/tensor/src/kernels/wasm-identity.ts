import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * Identity for wasm that shares the input's buffer (one more reference), as the cpu and webgl backends do; the
 * stock wasm kernel copies it. tfjs clones every tensor a gradient needs (`save`), so on stock wasm a training
 * step held a second copy of each saved activation and of every weight matrix and embedding table it used,
 * and paid a memcpy for each. Tensors are immutable (a Variable's assign swaps its buffer), so sharing is safe.
 */
const kernelFunc = ({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

export const wasmIdentityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: kernelFunc as unknown as KernelFunc,
};
