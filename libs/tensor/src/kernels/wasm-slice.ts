import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

/**
 * Slice for wasm whose contiguous case (a range of rows, e.g. a chunk of sequences) copies the slice from heap to
 * heap. The stock kernel first copies the WHOLE input out of the wasm heap (readSync) and then the slice back in:
 * chunked attention on 84 x 128 tokens spent more time slicing than in its matmuls. Other slices: stock kernel.
 */
export function wasmSliceConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { begin, size } = attrs as unknown as { begin: number | number[]; size: number | number[] };
    if (x.dtype === 'string') return stock.kernelFunc(args) as TensorInfo;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return stock.kernelFunc(args) as TensorInfo;
    const wasm = backend as any;
    const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    const n = tf.util.sizeFromShape(size_);
    const out = wasm.makeOutput(size_, x.dtype) as TensorInfo;
    // Views after makeOutput: an allocation can grow the heap and detach older views.
    (wasm.typedArrayFromHeap(out) as Float32Array).set((wasm.typedArrayFromHeap(x) as Float32Array).subarray(offset, offset + n));
    return out;
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as KernelFunc };
}
