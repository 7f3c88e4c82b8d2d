import { tf, useBackend } from '@workbench/tensor';
import { createMultitaskBackbone } from './multitask-backbone.ts';
import { resolveMultitaskConfig } from './multitask-config.ts';
import { fakeDataset, massiveRows } from './multitask-fixtures.test-helper.ts';
import { MultitaskModel } from './multitask-model.ts';
import { initBiasFromPriors } from './prior-bias.ts';
import { prepareMultitaskData } from './task-data.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('initBiasFromPriors', () => {
  it('multi-label: log-odds of each label on the training rows; multi-class: log prior; tagging: untouched; no leak', () => {
    const { train, test } = massiveRows();
    const config = resolveMultitaskConfig({ dataset: 'massive-mini', testSplit: 'test', validationFraction: 0, tasks: [{ name: 'intent' }, { name: 'slots' }, { name: 'topics' }], backbone: { vocabSize: 120, maxLength: 24, overrides: { numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32 } } });
    const data = prepareMultitaskData(config, fakeDataset({ train, test }));
    const backbone = createMultitaskBackbone(config.backbone, data.train.texts);
    const model = new MultitaskModel(backbone.createEncoder(1), data.tasks, backbone.padId, 2);
    const before = tf.memory().numTensors;
    initBiasFromPriors(model, data.tasks, data.train.targets);
    expect(tf.memory().numTensors).toBe(before);
    const bias = (task: string) => Array.from(model.head(task).variables().get('classifier.bias')!.dataSync());
    // Six training rows: intents [0, 0, 2, 2, 1, 0] -> priors 3/6, 1/6, 2/6.
    [3 / 6, 1 / 6, 2 / 6].forEach((p, j) => expect(bias('intent')[j]).toBeCloseTo(Math.log(p), 6));
    // Topics (alarm, audio, dated, weather): counted from the multi-hot rows; a label on every row is clipped, not infinite.
    const hot = data.train.targets.get('topics')!.multiHot!;
    for (let j = 0; j < 4; j++) {
      let c = 0;
      for (let i = 0; i < 6; i++) c += hot[i * 4 + j]!;
      const p = Math.min(0.999, Math.max(0.001, c / 6));
      expect(bias('topics')[j]).toBeCloseTo(Math.log(p / (1 - p)), 5);
    }
    expect(bias('slots').every((b) => b === 0)).toBe(true);
    // The head now predicts the prior for an input that tells it nothing (zero features).
    const probs = tf.tidy(() => Array.from(model.head('topics').predict(model.head('topics').apply(tf.zeros([1, 16]))).dataSync()));
    for (let j = 0; j < 4; j++) {
      let c = 0;
      for (let i = 0; i < 6; i++) c += hot[i * 4 + j]!;
      expect(probs[j]).toBeCloseTo(Math.min(0.999, Math.max(0.001, c / 6)), 5);
    }
    model.dispose();
  });
});
