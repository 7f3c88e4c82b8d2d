import { WorkbenchError } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
import { parameterCount } from './parameter-specs.ts';
import { robertaPositionIds } from './position-ids.ts';
import { resolveTransformerConfig } from './transformer-config.ts';
import { TransformerEncoder } from './transformer-encoder.ts';

beforeAll(async () => {
  await useBackend('wasm');
});

const small = { vocabSize: 50, maxPositions: 16, hiddenSize: 16, numHeads: 2, intermediateSize: 32, numLayers: 2 };
const batch = (): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D } => ({
  inputIds: tf.tensor2d([[2, 7, 9, 3, 0, 0], [2, 11, 3, 0, 0, 0]], undefined, 'int32'),
  attentionMask: tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]], undefined, 'int32'),
});

describe('transformer config', () => {
  it('has the presets with heads = hidden / 64 and ffn = 4 x hidden, overridable', () => {
    expect(resolveTransformerConfig('tiny')).toMatchObject({ numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 });
    expect(resolveTransformerConfig('mini')).toMatchObject({ numLayers: 4, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 });
    expect(resolveTransformerConfig('small')).toMatchObject({ numLayers: 4, hiddenSize: 512, numHeads: 8, intermediateSize: 2048 });
    expect(resolveTransformerConfig('base')).toMatchObject({ numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072 });
    expect(resolveTransformerConfig('mini', { numLayers: 2 })).toMatchObject({ numLayers: 2, hiddenSize: 256 });
    // bert-base-uncased has 109,482,240 parameters with its pooler.
    expect(parameterCount(resolveTransformerConfig('base'))).toBe(109482240);
  });

  it('applies RoBERTa conventions under explicit overrides', () => {
    expect(resolveTransformerConfig('tiny', { modelType: 'roberta' })).toMatchObject({ typeVocabSize: 1, padTokenId: 1, layerNormEps: 1e-5, maxPositions: 514 });
    expect(resolveTransformerConfig('tiny', { modelType: 'roberta', layerNormEps: 1e-12 }).layerNormEps).toBe(1e-12);
  });

  it('rejects unknown keys, presets and inconsistent sizes with the path', () => {
    expect(() => resolveTransformerConfig('tiny', { hiddenSzie: 3 })).toThrow(/unknown key 'hiddenSzie'.*hiddenSize/);
    expect(() => resolveTransformerConfig('tinny')).toThrow(/unknown transformer preset 'tinny'.*tiny/);
    const e = (() => {
      try {
        resolveTransformerConfig('tiny', { numHeads: 3 });
      } catch (err) {
        return err as WorkbenchError;
      }
      return undefined;
    })();
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.where?.path).toBe('numHeads');
    expect(e?.message).toMatch(/hiddenSize 128 is not divisible by numHeads 3/);
  });
});

describe('TransformerEncoder', () => {
  it('computes RoBERTa positions from the input ids (pads at padding_idx)', () => {
    const ids = tf.tensor2d([[0, 5, 6, 2, 1, 1], [0, 2, 1, 1, 1, 1]], undefined, 'int32');
    expect(robertaPositionIds(ids, 1).arraySync()).toEqual([[2, 3, 4, 5, 1, 1], [2, 3, 1, 1, 1, 1]]);
    ids.dispose();
  });

  it('is deterministic from its seed; dropout only when training, seeded, different per step', () => {
    const a = TransformerEncoder.create(undefined, { ...small, seed: 5 });
    const b = TransformerEncoder.create(undefined, { ...small, seed: 5 });
    const c = TransformerEncoder.create(undefined, { ...small, seed: 6 });
    const run = (m: TransformerEncoder, training: boolean): Float32Array =>
      tf.tidy(() => m.forward({ ...batch(), training }).lastHiddenState.dataSync() as Float32Array);
    expect(run(a, false)).toEqual(run(b, false));
    expect(run(a, false)).not.toEqual(run(c, false));
    expect(run(a, false)).toEqual(run(a, false));
    const t1 = run(a, true);
    expect(t1).toEqual(run(b, true)); // same seed, same dropout stream
    expect(t1).not.toEqual(run(a, false));
    expect(run(a, true)).not.toEqual(t1); // a new mask at the next step
    for (const m of [a, b, c]) m.dispose();
  });

  it('keeps padded keys out of the attention: real positions ignore what the padding holds', () => {
    const m = TransformerEncoder.create(undefined, { ...small, seed: 1 });
    const [x, y] = tf.tidy(() => {
      const { inputIds, attentionMask } = batch();
      const other = tf.tensor2d([[2, 7, 9, 3, 41, 17], [2, 11, 3, 8, 8, 8]], undefined, 'int32');
      const h1 = m.forward({ inputIds, attentionMask }).lastHiddenState.slice([0, 0, 0], [1, 4, -1]);
      const h2 = m.forward({ inputIds: other, attentionMask }).lastHiddenState.slice([0, 0, 0], [1, 4, -1]);
      return [h1.dataSync(), h2.dataSync()];
    });
    expect(x).toEqual(y);
    m.dispose();
  });

  it('rejects sequences longer than the position table with a clear error', () => {
    const m = TransformerEncoder.create(undefined, { ...small, modelType: 'roberta', maxPositions: 6, padTokenId: 1 });
    const ids = tf.zeros([1, 5], 'int32') as tf.Tensor2D;
    expect(() => m.embed(ids)).toThrow(/sequence length 5 exceeds the 4 positions of this roberta model/);
    ids.dispose();
    m.dispose();
  });

  it('trains: loss falls, the [PAD] row never moves, live tensors stay constant over 50 steps', () => {
    const m = TransformerEncoder.create(undefined, { ...small, seed: 2, hiddenDropout: 0.1 });
    const vars = [...m.variables().values()];
    const optimizer = tf.train.adam(1e-2);
    const { inputIds, attentionMask } = batch();
    const target = tf.tensor2d([[1, 0, 1, 0], [0, 1, 1, 0]]);
    const readout = tf.variable(tf.randomNormal([16, 4], 0, 0.1, 'float32', 7));
    const padRow = (): number[] => Array.from(m.variables().get('embeddings.word_embeddings.weight')!.slice([0, 0], [1, -1]).dataSync());
    const pad0 = tf.tidy(padRow);
    const step = (): number =>
      tf.tidy(() => {
        const cost = optimizer.minimize(() => {
          const pooled = m.forward({ inputIds, attentionMask, training: true }).poolerOutput;
          return tf.losses.sigmoidCrossEntropy(target, pooled.matMul(readout)) as tf.Scalar;
        }, true, [...vars, readout]) as tf.Scalar;
        return cost.dataSync()[0] as number;
      });
    const first = step();
    step(); // optimizer slots exist after the first step
    const live = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 50; i++) last = step();
    expect(tf.memory().numTensors).toBe(live);
    expect(last).toBeLessThan(first * 0.25);
    expect(tf.tidy(padRow)).toEqual(pad0);
    optimizer.dispose();
    for (const t of [inputIds, attentionMask, target, readout]) t.dispose();
    m.dispose();
  });
});
