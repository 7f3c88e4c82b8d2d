import { MemoryRunLogger, Rng } from '@workbench/core';
import { getSplit, getTask, type LoadedDataset } from '@workbench/data';
import { computeMultiLabelMetrics, type MultiLabelMetrics } from '@workbench/metrics';
import { tf } from '@workbench/tensor';
import type { TopLevelSpec } from 'vega-lite';

export interface TinyTrainingOptions {
  trainSplit?: string;
  testSplit?: string;
  /** Hashed bag-of-words width. */
  buckets?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
}

export interface TinyTrainingResult {
  /** One point per optimiser step (also in `logger`, metric `train_loss`). */
  losses: { step: number; loss: number }[];
  test: MultiLabelMetrics;
  logger: MemoryRunLogger;
  parameters: number;
  seconds: number;
}

/** FNV-1a of a word into `buckets`. */
function bucket(word: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return (h >>> 0) % buckets;
}

function features(texts: string[], buckets: number): Float32Array {
  const x = new Float32Array(texts.length * buckets);
  texts.forEach((t, i) => {
    const words = t.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    for (const w of words) x[i * buckets + bucket(w, buckets)] = 1;
  });
  return x;
}

/**
 * A tiny multi-label model (hashed bag of words -> one dense layer -> sigmoid) trained for ONE epoch with Adam on
 * a dataset split, its loss logged per step to a RunLogger, then scored on the test split with the workbench's
 * metrics. Small enough to run in a notebook cell in seconds on the cpu backend; tensors are disposed.
 */
export async function trainTinyModel(dataset: LoadedDataset, options: TinyTrainingOptions = {}): Promise<TinyTrainingResult> {
  const t0 = performance.now();
  const { trainSplit = 'source', testSplit = 'target_test', buckets = 2048, batchSize = 64, lr = 0.05, seed = 0 } = options;
  const task = getTask(dataset, dataset.tasks[0].name);
  const L = task.labels.length;
  const index = new Map(task.labels.map((l, j) => [l, j]));
  const encode = (split: string) => {
    const rows = getSplit(dataset, split).rows;
    const y = new Float32Array(rows.length * L);
    rows.forEach((r, i) => {
      for (const l of (r[task.field] as string[] | undefined) ?? []) y[i * L + (index.get(l) as number)] = 1;
    });
    return { n: rows.length, x: features(rows.map((r) => r.text), buckets), y };
  };
  const train = encode(trainSplit);
  const test = encode(testSplit);
  const rng = new Rng(seed);
  const w0 = tf.randomNormal([buckets, L], 0, 0.01, 'float32', rng.derive('init').seedInt());
  const b0 = tf.zeros([L]);
  // A variable shares its initial tensor's data: the initial handles are released once the variables exist.
  const w = tf.variable(w0);
  const b = tf.variable(b0);
  w0.dispose();
  b0.dispose();
  const optimizer = tf.train.adam(lr);
  const logger = new MemoryRunLogger();
  const losses: { step: number; loss: number }[] = [];
  const order = rng.derive('order').shuffle(Array.from({ length: train.n }, (_, i) => i));
  try {
    for (let start = 0, step = 0; start < train.n; start += batchSize, step++) {
      const idx = order.slice(start, start + batchSize);
      const xb = new Float32Array(idx.length * buckets);
      const yb = new Float32Array(idx.length * L);
      idx.forEach((r, k) => {
        xb.set(train.x.subarray(r * buckets, (r + 1) * buckets), k * buckets);
        yb.set(train.y.subarray(r * L, (r + 1) * L), k * L);
      });
      const lossT = tf.tidy(() => {
        const x = tf.tensor2d(xb, [idx.length, buckets]);
        const y = tf.tensor2d(yb, [idx.length, L]);
        return optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar, true, [w, b]) as tf.Scalar;
      });
      const loss = (await lossT.data())[0];
      lossT.dispose();
      losses.push({ step, loss });
      await logger.logMetric('train_loss', loss, step);
    }
    const scores = tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(tf.tensor2d(test.x, [test.n, buckets]), w), b)).dataSync() as Float32Array);
    const rowsOf = (a: Float32Array) => Array.from({ length: test.n }, (_, i) => a.subarray(i * L, (i + 1) * L));
    const metrics = computeMultiLabelMetrics(rowsOf(test.y), rowsOf(scores), { labelNames: task.labels });
    return { losses, test: metrics, logger, parameters: buckets * L + L, seconds: (performance.now() - t0) / 1000 };
  } finally {
    w.dispose();
    b.dispose();
    optimizer.dispose();
  }
}

export function lossChart(losses: { step: number; loss: number }[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: losses },
    width: 420,
    height: 200,
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimiser step (one epoch)' },
      y: { field: 'loss', type: 'quantitative', title: 'BCE loss', scale: { zero: false } },
    },
  } as TopLevelSpec;
}
