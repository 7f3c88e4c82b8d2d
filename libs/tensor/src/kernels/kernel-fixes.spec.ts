import * as tf from '@tensorflow/tfjs';
import { createRng } from '@workbench/core';
import { initBackend } from '../init-backend.ts';
import { STOCK_KERNELS } from './register-kernel-fixes.ts';
import { transposeLastTwo } from './transpose-last-two.ts';

/** Runs the stock cpu kernel that a fix replaced, on cpu copies of the inputs. */
function runStockCpu(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): { shape: number[]; values: Float32Array } {
  const stock = STOCK_KERNELS.get(`cpu/${kernel}`) ?? tf.getKernel(kernel, 'cpu');
  if (!stock) throw new Error(`no stock cpu kernel ${kernel}`);
  const backend = tf.findBackend('cpu') as any;
  const copies: Record<string, tf.TensorInfo> = {};
  for (const [k, t] of Object.entries(inputs)) {
    const data = t.dataSync();
    const info = backend.makeTensorInfo(t.shape, t.dtype, t.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data));
    copies[k] = info;
  }
  const out = stock.kernelFunc({ inputs: copies, backend, attrs: attrs as any }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId));
  for (const c of [...Object.values(copies), out]) backend.disposeData(c.dataId);
  return { shape: out.shape, values };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const rng = createRng('kernel-fixes');
const rand = (shape: number[]): tf.Tensor => tf.tensor(Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.normal()), shape, 'float32');

beforeAll(async () => {
  // Registers the fixes of both backends; tests switch between them.
  await initBackend({ backend: 'cpu' });
  await initBackend({ backend: 'wasm' });
});

describe.each(['cpu', 'wasm'])('UnsortedSegmentSum fix on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each([
    [[7], 3],
    [[50, 8], 11],
    [[33, 4, 5], 40],
    [[1, 16], 1],
  ])('agrees with the stock cpu kernel for x %j and %i segments', (shape, numSegments) => {
    const before = tf.memory().numTensors;
    const rows = (shape as number[])[0] as number;
    const x = rand(shape as number[]);
    // Duplicates on purpose (repeated tokens), and one id out of range that must be dropped.
    const ids = tf.tensor1d(
      Array.from({ length: rows }, (_, i) => (i === rows - 1 && rows > 1 ? numSegments + 2 : rng.int(numSegments as number))),
      'int32',
    );
    const ours = tf.unsortedSegmentSum(x, ids, numSegments as number);
    const ref = runStockCpu('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments });
    expect(ours.shape).toEqual(ref.shape);
    expect(maxAbsDiff(ours.dataSync(), ref.values)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, ids, ours]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes tf.gather differentiable (embedding gradient)', () => {
    const table = rand([10, 4]);
    const ids = tf.tensor1d([1, 3, 3, 9, 0], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.gather(t, ids).sum())(table);
    const counts = [1, 1, 0, 2, 0, 0, 0, 0, 0, 1];
    const expected = counts.flatMap((c) => [c, c, c, c]);
    expect(maxAbsDiff(g.dataSync(), expected)).toBe(0);
    tf.dispose([table, ids, g]);
  });
});

describe('BatchMatMul transpose fast path on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  const cases: [number[], number[]][] = [
    [[5, 7], [7, 3]],
    [[4, 6, 9], [4, 9, 2]], // batched
    [[1, 6, 9], [3, 9, 2]], // broadcast batch of a
    [[2, 3, 6, 9], [1, 1, 9, 5]], // rank 4, broadcast batch of b
    [[64, 33], [33, 17]],
  ];
  for (const [aShape, bShape] of cases) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`a ${JSON.stringify(aShape)} b ${JSON.stringify(bShape)} transposeA=${ta} transposeB=${tb} agrees with the stock cpu kernel`, () => {
        const before = tf.memory().numTensors;
        const swap = (s: number[]): number[] => [...s.slice(0, -2), s[s.length - 1] as number, s[s.length - 2] as number];
        const a = rand(ta ? swap(aShape) : aShape);
        const b = rand(tb ? swap(bShape) : bShape);
        const ours = tf.matMul(a, b, ta, tb);
        const ref = runStockCpu('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb });
        expect(ours.shape).toEqual(ref.shape);
        expect(maxAbsDiff(ours.dataSync(), ref.values)).toBeLessThanOrEqual(1e-5);
        tf.dispose([a, b, ours]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});

describe('transposeLastTwo', () => {
  it('transposes each matrix of a batch, including sizes that are not multiples of the tile', () => {
    const batch = 2;
    const rows = 35;
    const cols = 67;
    const src = Float32Array.from({ length: batch * rows * cols }, (_, i) => i);
    const dst = new Float32Array(src.length);
    transposeLastTwo(src, dst, batch, rows, cols);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) expect(dst[b * rows * cols + j * rows + i]).toBe(src[b * rows * cols + i * cols + j]);
  });
});

describe('Identity on wasm shares the buffer', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('clones without copying, and the clone outlives the original', () => {
    const before = tf.memory().numTensors;
    const x = rand([4, 5]);
    const values = Array.from(x.dataSync());
    const y = tf.clone(x);
    const backend = tf.backend() as any;
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(values);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps a saved clone of a variable intact when the variable is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });
});

describe('Slice on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each([
    [[6, 4], [2, 0], [3, 4]], // rows: contiguous (heap-to-heap path)
    [[3, 2, 4, 4], [1, 0, 0, 0], [2, 2, 4, 4]], // whole sub-tensors: contiguous
    [[3, 2, 4, 4], [0, 1, 0, 0], [3, 1, 4, 4]], // strided: stock path
    [[5, 7], [1, 2], [3, 4]], // strided: stock path
    [[8], [3], [-1]], // to the end
  ])('x %j begin %j size %j agrees with the stock cpu kernel, for float32 and bool', (shape, begin, size) => {
    const before = tf.memory().numTensors;
    const x = rand(shape as number[]);
    const ours = tf.slice(x, begin as number[], size as number[]);
    const ref = runStockCpu('Slice', { x }, { begin, size });
    expect(ours.shape).toEqual(ref.shape);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(ref.values));
    const b = tf.greater(x, 0);
    const bs = tf.slice(b, begin as number[], size as number[]);
    expect(Array.from(bs.dataSync())).toEqual(Array.from(ref.values, (v) => (v > 0 ? 1 : 0)));
    tf.dispose([x, ours, b, bs]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
