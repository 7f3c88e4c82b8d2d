import { Rng, MemoryRunLogger } from '@workbench/core';
import { spanF1 } from '@workbench/metrics';
import { tf, useBackend } from '@workbench/tensor';
import { createMultitaskBackbone } from './multitask-backbone.ts';
import { resolveMultitaskConfig } from './multitask-config.ts';
import { fakeDataset, massiveRows } from './multitask-fixtures.test-helper.ts';
import { MultitaskModel } from './multitask-model.ts';
import { prepareMultitaskData } from './task-data.ts';
import { taskMetrics, wordTagPredictions } from './task-metrics.ts';
import { alignTags, trainMultitask } from './train-multitask.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

/** One short training first: tfjs keeps one tensor of its own the first time a training kernel path runs. */
async function warmUp(): Promise<void> {
  const { config, data, backbone, train } = setup('encoder', { optim: { epochs: 1, batchSize: 6 } });
  const model = new MultitaskModel(backbone.createEncoder(1), data.tasks, backbone.padId, 2);
  await trainMultitask({ model, tasks: data.tasks, encoded: train, targets: data.train.targets, config, rng: new Rng(0), logger: new MemoryRunLogger(), stage: 'warm-up' });
  model.dispose();
}

const SMALL = { numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32 };
// Dropout off so the overfitting checks below are deterministic in outcome, not only in seed.
const NO_DROPOUT = { encoder: { hiddenDropout: 0, attentionDropout: 0 }, decoder: { embeddingDropout: 0, residualDropout: 0, attentionDropout: 0 } };

function setup(kind: 'encoder' | 'decoder', extra: Record<string, unknown> = {}) {
  const { train, test } = massiveRows();
  const config = resolveMultitaskConfig({
    dataset: 'massive-mini',
    testSplit: 'test',
    // Six training rows: no hold-out (the hold-out has its own tests).
    validationFraction: 0,
    tasks: [{ name: 'intent' }, { name: 'slots', weight: 4 }, { name: 'topics' }],
    backbone: { kind, size: 'tiny', vocabSize: 120, maxLength: 24, overrides: { ...SMALL, ...NO_DROPOUT[kind] } },
    optim: { lr: 0.01, epochs: 40, batchSize: 3, warmupRatio: 0, weightDecay: 0 },
    ...extra,
  });
  const data = prepareMultitaskData(config, fakeDataset({ train, test }));
  const backbone = createMultitaskBackbone(config.backbone, data.train.texts);
  return { config, data, backbone, train: backbone.encode(data.train.texts, data.train.words), test: backbone.encode(data.test.texts, data.test.words) };
}

describe('the multi-task model', () => {
  it('labels only the first sub-token of each word (MASSIVE / BERT-NER convention)', () => {
    const { data, train, backbone } = setup('encoder');
    const labels = alignTags(data.train.targets.get('slots')!, train);
    train.ids.forEach((ids, i) => {
      const starts = train.wordStarts![i]!;
      const words = data.train.words![i]!;
      expect(starts.length).toBe(words.length);
      // Specials and continuation pieces are ignored; each word's first piece carries its tag.
      expect(labels[i]![0]).toBe(-100);
      expect(Array.from(labels[i]!).filter((g) => g !== -100)).toEqual(data.train.targets.get('slots')!.wordTags![i]);
      expect(backbone.tokenizer.idToToken(ids[starts[1]!]!)?.startsWith('##')).toBe(false);
    });
  });

  it('word-level span F1 through the tagging path: perfect token predictions score 1, a dropped span scores less', () => {
    const { data, test } = setup('encoder');
    const task = data.tasks.find((t) => t.name === 'slots')!;
    const targets = data.test.targets.get('slots')!;
    const perfect = alignTags(targets, test).map((row) => Int32Array.from(row, (g) => (g < 0 ? 0 : g)));
    expect(taskMetrics(task, perfect, targets, test)).toMatchObject({ span_f1: 1, word_accuracy: 1 });
    // Predict 'O' on the first test sentence's time span ("six am"): 4 true spans, 3 found.
    const broken = perfect.map((r) => r.slice());
    const timeWords = data.test.targets.get('slots')!.wordTags![0]!.flatMap((g, w) => (task.labels[g]!.endsWith('time') ? [w] : []));
    for (const w of timeWords) broken[0]![test.wordStarts![0]![w]!] = 0;
    const truth = targets.wordTags!.map((s) => s.map((g) => task.labels[g]!));
    const predicted = wordTagPredictions(broken, test.wordStarts!, task.labels);
    expect(taskMetrics(task, broken, targets, test)['span_f1']).toBeCloseTo(spanF1(truth, predicted).f1, 12);
    expect(spanF1(truth, predicted)).toMatchObject({ actual: 4, predicted: 3, truePositives: 3 });
  });

  for (const kind of ['encoder', 'decoder'] as const) {
    it(`${kind}: every head (multi-class, token tagging, multi-label) learns the training rows jointly, with no tensor leak`, async () => {
      await warmUp();
      const before = tf.memory().numTensors;
      const { config, data, backbone, train } = setup(kind, { sampling: { mode: 'joint', ratio: 'proportional' } });
      const model = new MultitaskModel(backbone.createEncoder(1), data.tasks, backbone.padId, 2);
      const logger = new MemoryRunLogger();
      const fitted = await trainMultitask({ model, tasks: data.tasks, encoded: train, targets: data.train.targets, config, rng: new Rng(0), logger, stage: 'train' });
      expect(fitted.epochs[fitted.epochs.length - 1]!.meanLoss).toBeLessThan(fitted.epochs[0]!.meanLoss / 3);
      const predictions = model.predict(train.ids);
      const scores = Object.fromEntries(data.tasks.map((t) => [t.name, taskMetrics(t, predictions.get(t.name)!, data.train.targets.get(t.name)!, train)]));
      // 6 training rows, 3 intents, 3 slot types, 4 topics: every head fits them.
      expect(scores['intent']!['accuracy']).toBe(1);
      expect(scores['slots']!['span_f1']).toBeGreaterThan(0.8);
      expect(scores['topics']!['map_macro']).toBeGreaterThan(0.8);
      expect(logger.metrics.some((m) => m.key === 'train.train_loss')).toBe(true);
      // Three heads x (kernel, bias); under mean pooling the encoder's pooler (kernel, bias) is not a weight.
      expect(model.variables().size).toBe(model.encoder.variables().size + 6 - (kind === 'encoder' ? 2 : 0));
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('snapshot / restore round-trips every weight and the forward pass', () => {
    const { data, backbone, test } = setup('decoder');
    const a = new MultitaskModel(backbone.createEncoder(1), data.tasks, backbone.padId, 2);
    const b = new MultitaskModel(backbone.createEncoder(5), data.tasks, backbone.padId, 9);
    b.restore(a.snapshot());
    const pa = a.predict(test.ids);
    const pb = b.predict(test.ids);
    expect(Array.from(pb.get('topics') as Float32Array)).toEqual(Array.from(pa.get('topics') as Float32Array));
    expect(pb.get('slots')).toEqual(pa.get('slots'));
    expect(() => b.head('intnet')).toThrow(/no head 'intnet'; heads: intent, slots, topics/);
    a.dispose();
    b.dispose();
  });
});
