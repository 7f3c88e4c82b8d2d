import { MultiLabelHead, NgramEncoder } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { MultiLabelClassifier } from './classifier.ts';
import { initHeadBias } from './head-bias.ts';
import { resolveCellConfig } from './resolve-cell-config.ts';

describe('initHeadBias', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  function model(): MultiLabelClassifier {
    const encoder = new NgramEncoder({ vocabSize: 64, buckets: 0, dim: 4 });
    return new MultiLabelClassifier(encoder, new MultiLabelHead({ inputSize: 4, numLabels: 3, seed: 1 }), 0);
  }

  it("'prior' sets each label's log-odds in the rows (clipped for a never-present label); 'zero' leaves 0", () => {
    // 4 rows x 3 labels: rates 1/4, 2/4, 0/4.
    const labels = { rows: 4, numLabels: 3, data: Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) };
    const m = model();
    const before = tf.memory().numTensors;
    initHeadBias(m, labels, 'prior');
    expect(tf.memory().numTensors).toBe(before);
    const bias = Array.from(m.head.variables().get('classifier.bias')!.dataSync());
    expect(bias[0]).toBeCloseTo(Math.log(0.25 / 0.75), 6);
    expect(bias[1]).toBeCloseTo(0, 6);
    expect(bias[2]).toBeCloseTo(Math.log(1e-3 / (1 - 1e-3)), 5);
    const z = model();
    initHeadBias(z, labels, 'zero');
    expect(Array.from(z.head.variables().get('classifier.bias')!.dataSync())).toEqual([0, 0, 0]);
    m.dispose();
    z.dispose();
  });

  it('an unknown value is refused when the config is resolved, with the valid values and a did-you-mean', () => {
    expect(() => resolveCellConfig({ backbone: { headBias: 'priors' } }, { preset: 'ngram' })).toThrow(
      "backbone.headBias: unknown head bias 'priors'; valid values: prior, zero (did you mean 'prior'?)",
    );
  });
});
