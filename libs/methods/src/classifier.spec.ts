import { AdamW, MultiLabelHead, resolveTransformerConfig, TransformerEncoder, trainStep } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { toyClassifier } from '../test/toy-model.ts';
import { MultiLabelClassifier } from './classifier.ts';
import { SEQUENCE_POOLINGS } from './multitask/sequence-pooling.ts';

describe('MultiLabelClassifier.parameterCount', () => {
  it('counts every trainable number from the shapes', async () => {
    await useBackend('cpu');
    const model = toyClassifier(10, 4, 3);
    // embeddings 10x4 + encoder 4x4 + head 4x3 + bias 3
    expect(model.parameterCount()).toBe(40 + 16 + 12 + 3);
    model.dispose();
  });
});

describe('MultiLabelClassifier with a sequence pooling', () => {
  it("mean pooling reads the masked mean of a tiny BERT's hidden states; the unused pooler is neither trained nor counted", async () => {
    await useBackend('cpu');
    const encoder = new TransformerEncoder({ ...resolveTransformerConfig('tiny', { vocabSize: 40, maxPositions: 8, numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16 }), seed: 3 });
    const model = new MultiLabelClassifier(encoder, new MultiLabelHead({ inputSize: 8, numLabels: 2, seed: 4 }), 0, SEQUENCE_POOLINGS.get('mean'));
    expect([...model.variables().keys()].some((k) => k.includes('pooler'))).toBe(false);
    expect([...encoder.variables().keys()].some((k) => k.includes('pooler'))).toBe(true);
    const ids = tf.tensor2d([[2, 7, 9, 3], [2, 5, 3, 0]], [2, 4], 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]]);
    const features = model.features(ids, mask, false).arraySync();
    const hidden = encoder.encode(encoder.embed(ids), mask).arraySync();
    const mean = (row: number[][], n: number): number[] => (row[0] as number[]).map((_, d) => row.slice(0, n).reduce((s, h) => s + (h[d] as number), 0) / n);
    features[0]?.forEach((v, d) => expect(v).toBeCloseTo(mean(hidden[0] as number[][], 4)[d] as number, 5));
    features[1]?.forEach((v, d) => expect(v).toBeCloseTo(mean(hidden[1] as number[][], 3)[d] as number, 5));
    // A training step reaches the encoder through the mean (no gradient is asked of the pooler).
    const before = model.snapshot();
    const optimizer = new AdamW({ lr: 0.01 });
    const step = (): void => {
      trainStep(() => tf.losses.sigmoidCrossEntropy(tf.tensor2d([[1, 0], [0, 1]]), model.logits(ids, mask, true)) as tf.Scalar, model.variables(), optimizer);
    };
    step(); // the first step creates the optimizer's moments (and the process-wide sparse-tape anchor)
    const count = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(count);
    const after = model.snapshot();
    const moved = [...after].filter(([k, w]) => w.values.some((v, i) => v !== (before.get(k)?.values[i] as number))).map(([k]) => k);
    expect(moved).toContain('encoder.encoder.layer.0.attention.self.query.weight');
    expect(moved.length).toBe(after.size);
    optimizer.dispose();
    tf.dispose([ids, mask]);
    model.dispose();
  });
});
