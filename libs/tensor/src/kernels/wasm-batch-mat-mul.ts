import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { transposeLastTwo } from './transpose-last-two.ts';

/**
 * BatchMatMul for wasm with a fast path for transposeA / transposeB: the stock XNNPACK path is 6-15x slower
 * with either flag (and every weight gradient uses one), while an explicit transpose followed by the plain
 * kernel runs at full speed. Both flags: A^T B^T = (B A)^T, one transpose instead of two.
 * Wraps the stock kernel, which stays in charge of the plain case.
 */
export function wasmBatchMatMulConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock.kernelFunc(args) as TensorInfo;
    const wasm = backend as any;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const plain = { ...attrs, transposeA: false, transposeB: false };
    if (transposeA && transposeB) {
      const ba = stock.kernelFunc({ inputs: { a: b, b: a }, backend, attrs: plain }) as TensorInfo;
      try {
        return swapLast(wasm, ba);
      } finally {
        wasm.disposeData(ba.dataId);
      }
    }
    const t = swapLast(wasm, transposeA ? a : b);
    try {
      return stock.kernelFunc({ inputs: transposeA ? { a: t, b } : { a, b: t }, backend, attrs: plain }) as TensorInfo;
    } finally {
      wasm.disposeData(t.dataId);
    }
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as KernelFunc };
}

function swapLast(wasm: any, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2] as number;
  const cols = t.shape[rank - 1] as number;
  const batchShape = t.shape.slice(0, -2);
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const out = wasm.makeOutput([...batchShape, cols, rows], t.dtype) as TensorInfo;
  // Views after makeOutput: an allocation can grow the heap and detach older views.
  transposeLastTwo(wasm.typedArrayFromHeap(t), wasm.typedArrayFromHeap(out), batch, rows, cols);
  return out;
}
