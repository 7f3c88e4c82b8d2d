import { Gpt2Decoder, TransformerEncoder, resolveDecoderConfig, resolveTransformerConfig } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { MultitaskModel } from './multitask-model.ts';
import { SEQUENCE_POOLINGS, resolvePooling } from './sequence-pooling.ts';
import type { ResolvedTask } from './task-data.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

const SMALL = { numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, vocabSize: 20, maxPositions: 8, seed: 1 };
const bert = () => new TransformerEncoder({ ...resolveTransformerConfig('tiny', { ...SMALL, modelType: 'bert' }) });
const gpt2 = () => new Gpt2Decoder({ ...resolveDecoderConfig('tiny', SMALL) });
const TASK: ResolvedTask = { name: 'section', type: 'multi-class', field: 'section', labels: ['a', 'b', 'c'], weight: 1 };

describe('sequence pooling', () => {
  it("'auto' is mean pooling for an encoder and the last non-pad token for a decoder", () => {
    const [e, d] = [bert(), gpt2()];
    expect(resolvePooling('auto', e).name).toBe('mean');
    expect(resolvePooling('auto', d).name).toBe('native');
    expect(resolvePooling('first', d).name).toBe('first');
    expect(() => resolvePooling('max' as never, e)).toThrow(/pooling.*'max'/);
    e.dispose();
    d.dispose();
  });

  it('mean pooling averages the non-pad tokens only; first reads token 0; an all-pad row gives zeros, not NaN', () => {
    const e = bert();
    const h = tf.tensor3d([[[1, 2], [3, 4], [100, 100]], [[5, 6], [7, 8], [9, 10]], [[1, 1], [1, 1], [1, 1]]]);
    const m = tf.tensor2d([[1, 1, 0], [1, 1, 1], [0, 0, 0]]);
    const mean = SEQUENCE_POOLINGS.get('mean').pool(e, h, m, false);
    expect(Array.from(mean.dataSync())).toEqual([2, 3, 7, 8, 0, 0]);
    const first = SEQUENCE_POOLINGS.get('first').pool(e, h, m, false);
    expect(Array.from(first.dataSync())).toEqual([1, 2, 5, 6, 1, 1]);
    tf.dispose([h, m, mean, first]);
    e.dispose();
  });

  it("BERT's pooler is left out of the weights (trained, counted, saved) unless the pooling is 'native'", () => {
    const before = tf.memory().numTensors;
    const H = SMALL.hiddenSize;
    const mean = new MultitaskModel(bert(), [TASK], 0, 2, 'auto');
    const native = new MultitaskModel(bert(), [TASK], 0, 2, 'native');
    expect([...mean.variables().keys()].some((k) => k.includes('pooler'))).toBe(false);
    expect([...native.variables().keys()].filter((k) => k.includes('pooler'))).toEqual(['encoder.pooler.dense.weight', 'encoder.pooler.dense.bias']);
    expect(native.parameterCount() - mean.parameterCount()).toBe(H * H + H);
    expect([...mean.snapshot().keys()].some((k) => k.includes('pooler'))).toBe(false);
    // A decoder has no pooler weights: both poolings keep every weight.
    const last = new MultitaskModel(gpt2(), [TASK], 0, 2, 'auto');
    const avg = new MultitaskModel(gpt2(), [TASK], 0, 2, 'mean');
    expect(last.parameterCount()).toBe(avg.parameterCount());
    // Forward passes run with each pooling and give [batch, classes] logits.
    const ids = tf.tensor2d([[2, 5, 6, 3, 0], [2, 7, 3, 0, 0]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]], undefined, 'int32');
    for (const model of [mean, native, last, avg]) {
      // logits leaves its intermediates to the caller's tidy (training tape or predict).
      const shape = tf.tidy(() => (model.logits(ids, mask, ['section'], false).get('section') as tf.Tensor).shape);
      expect(shape).toEqual([2, 3]);
      model.dispose();
    }
    tf.dispose([ids, mask]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
