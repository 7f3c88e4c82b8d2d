import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { segmentSumInto, segmentSumShapes } from './segment-sum-loop.ts';

/** Single-pass UnsortedSegmentSum for the cpu backend (the gradient of tf.gather, i.e. of embedding lookups). */
const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const cpu = backend as any;
  const xVals = cpu.data.get(x.dataId).values as ArrayLike<number>;
  const ids = cpu.data.get(segmentIds.dataId).values as ArrayLike<number>;
  const { outShape, inner } = segmentSumShapes(x.shape, segmentIds.shape, numSegments);
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  segmentSumInto(out, xVals, ids, numSegments, inner);
  return cpu.makeTensorInfo(outShape, x.dtype, out);
};

export const cpuUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: kernelFunc as unknown as KernelFunc,
};
