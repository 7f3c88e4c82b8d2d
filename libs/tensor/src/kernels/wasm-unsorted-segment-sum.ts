import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { segmentSumInto, segmentSumShapes } from './segment-sum-loop.ts';

/**
 * UnsortedSegmentSum for the wasm backend, which has none (so stock wasm cannot differentiate tf.gather).
 * It runs in JS on typed-array views of the wasm heap: no copies in or out.
 */
const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const wasm = backend as any;
  const { outShape, inner } = segmentSumShapes(x.shape, segmentIds.shape, numSegments);
  const out = wasm.makeOutput(outShape, x.dtype) as TensorInfo;
  // Views are taken after makeOutput: an allocation can grow the heap and detach older views.
  const xVals = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = wasm.typedArrayFromHeap(segmentIds) as Int32Array;
  const outVals = wasm.typedArrayFromHeap(out) as Float32Array | Int32Array;
  segmentSumInto(outVals, xVals, ids, numSegments, inner);
  return out;
};

export const wasmUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: kernelFunc as unknown as KernelFunc,
};
