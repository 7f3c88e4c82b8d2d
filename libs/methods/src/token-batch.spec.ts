import { MemoryRunLogger, createRng } from '@workbench/core';
import { MultiLabelHead, TransformerEncoder, computeGradients, resolveTransformerConfig, withSparseTape } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { DEFAULT_CELL_CONFIG, type CellConfig } from './cell-config.ts';
import { MultiLabelClassifier } from './classifier.ts';
import { fit } from './fit.ts';
import { bucketBatchesByLength, disposeBatch, makeTokenBatch, type TokenIds } from './token-batch.ts';

const PAD = 0;
const MAX_LENGTH = 24;
/** 48 texts of 3..24 tokens (ids 5..49), their lengths drawn at random. */
function corpus(): TokenIds[] {
  const rng = createRng('token-batch-corpus');
  return Array.from({ length: 48 }, () => Int32Array.from({ length: 3 + rng.int(MAX_LENGTH - 2) }, () => 5 + rng.int(45)));
}
/** A sampler's epoch: 12 random batches of 4, with a repeated row as label-balanced samplers produce. */
function samplerBatches(seed: number): number[][] {
  const order = createRng(`sampler-${seed}`).permutation(48);
  const batches = Array.from({ length: 12 }, (_, b) => order.slice(b * 4, b * 4 + 4));
  (batches[11] as number[])[3] = batches[0]?.[0] as number;
  return batches;
}
const paddedTokens = (batches: number[][], ids: TokenIds[]): number => batches.reduce((n, b) => n + b.length * Math.max(...b.map((r) => (ids[r] as TokenIds).length)), 0);
const sorted = (batches: number[][]): number[] => batches.flat().sort((a, b) => a - b);

describe('bucketBatchesByLength', () => {
  it('keeps every row occurrence, is seeded, cuts padding, and is the identity when off', () => {
    const ids = corpus();
    const batches = samplerBatches(1);
    const bucketed = bucketBatchesByLength(batches, ids, PAD, 3, 7);
    expect(sorted(bucketed)).toEqual(sorted(batches));
    expect(bucketed.every((b) => b.length === 4)).toBe(true);
    expect(bucketBatchesByLength(batches, ids, PAD, 3, 7)).toEqual(bucketed);
    expect(bucketBatchesByLength(batches, ids, PAD, 3, 8)).not.toEqual(bucketed);
    expect(paddedTokens(bucketed, ids)).toBeLessThan(0.85 * paddedTokens(batches, ids));
    expect(bucketBatchesByLength(batches, ids, PAD, 0, 7)).toEqual(batches);
  });
});

describe('a training step with length-bucketed dynamic padding', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    withSparseTape(() => undefined); // its anchor variable is created once per process
  });

  it('has the loss and gradients of padding every row to the maximum length (float noise only)', () => {
    const ids = corpus();
    // No dropout: its masks depend on the padded shape; the question is whether padding changes the math.
    const config = resolveTransformerConfig('tiny', { vocabSize: 50, maxPositions: MAX_LENGTH, hiddenSize: 32, numHeads: 2, intermediateSize: 64, hiddenDropout: 0, attentionDropout: 0, seed: 3 });
    const model = new MultiLabelClassifier(new TransformerEncoder(config), new MultiLabelHead({ inputSize: 32, numLabels: 3, seed: 4, dropout: 0 }), PAD);
    const labels = Array.from({ length: 48 }, (_, r) => [r % 2, r % 3 === 0 ? 1 : 0, r % 5 === 0 ? 1 : 0]);
    const vars = model.variables();
    const step = (rows: number[], minLength: number) => {
      const batch = makeTokenBatch(ids, rows, PAD, minLength);
      const y = tf.tensor2d(rows.map((r) => labels[r] as number[]));
      try {
        return computeGradients(() => tf.tidy(() => tf.losses.sigmoidCrossEntropy(y, model.logits(batch.inputIds, batch.attentionMask, true)) as tf.Scalar), vars);
      } finally {
        disposeBatch(batch);
        y.dispose();
      }
    };
    const before = tf.memory().numTensors;
    let worstLoss = 0;
    let worstGrad = 0;
    const bucketed = bucketBatchesByLength(samplerBatches(2), ids, PAD, 3, 11);
    for (const rows of bucketed.slice(0, 4)) {
      const dynamic = step(rows, 1);
      const full = step(rows, MAX_LENGTH);
      expect(Math.max(...rows.map((r) => (ids[r] as TokenIds).length))).toBeLessThanOrEqual(MAX_LENGTH);
      worstLoss = Math.max(worstLoss, Math.abs(dynamic.loss - full.loss));
      for (const [name, g] of dynamic.grads) {
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g, full.grads.get(name) as tf.Tensor))).dataSync()[0] as number);
        worstGrad = Math.max(worstGrad, diff);
      }
      tf.dispose([...dynamic.grads.values(), ...full.grads.values()]);
    }
    expect(worstLoss).toBeLessThan(1e-6);
    expect(worstGrad).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('fit with lengthBucketing', () => {
  it('trains on the bucketed batches (same rows per epoch) and on the sampler batches when off', async () => {
    const ids = corpus();
    const w = tf.variable(tf.zeros([1]), true, `fit-bucketing-${Date.now()}`);
    const run = async (multiplier?: number): Promise<number[][]> => {
      const seen: number[][] = [];
      const config = structuredClone(DEFAULT_CELL_CONFIG) as unknown as CellConfig;
      await fit({
        stage: 'test',
        variables: new Map([['w', w]]),
        optim: { lr: 0.01, epochs: 2, batchSize: 4, weightDecay: 0, warmupRatio: 0, clipNorm: 0 },
        batches: (epoch) => samplerBatches(epoch),
        loss: (rows) => {
          seen.push(rows);
          return tf.tidy(() => tf.sum(tf.square(tf.sub(w, rows.length))) as tf.Scalar);
        },
        env: { config, rng: createRng('fit-bucketing'), logger: new MemoryRunLogger() },
        ...(multiplier !== undefined ? { lengthBucketing: { corpus: ids, padId: PAD, multiplier } } : {}),
      });
      return seen;
    };
    const plain = await run();
    expect(plain).toEqual([...samplerBatches(0), ...samplerBatches(1)]);
    expect(await run(0)).toEqual(plain);
    const bucketed = await run(3);
    expect(sorted(bucketed.slice(0, 12))).toEqual(sorted(samplerBatches(0)));
    expect(sorted(bucketed.slice(12))).toEqual(sorted(samplerBatches(1)));
    expect(paddedTokens(bucketed, ids)).toBeLessThan(paddedTokens(plain, ids));
    w.dispose();
  });
});
