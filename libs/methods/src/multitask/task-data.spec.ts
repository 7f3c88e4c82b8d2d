import { WorkbenchError, type DatasetRow } from '@workbench/core';
import { resolveMultitaskConfig } from './multitask-config.ts';
import { fakeDataset, massiveRows, MASSIVE_TASKS } from './multitask-fixtures.test-helper.ts';
import { prepareMultitaskData } from './task-data.ts';

// Six training rows: no hold-out unless a test asks for one.
const config = (partial: Record<string, unknown>) => resolveMultitaskConfig({ dataset: 'massive-mini', testSplit: 'test', validationFraction: 0, ...partial });

describe('multi-task data: bad input is refused before training', () => {
  const { train, test } = massiveRows();
  const ds = fakeDataset({ train, test });

  it('builds every target: class ids, multi-hot rows, word-level BIO tags', () => {
    const data = prepareMultitaskData(config({ tasks: [{ name: 'intent' }, { name: 'slots', weight: 4 }, { name: 'topics' }] }), ds);
    expect(data.tasks.map((t) => [t.name, t.type, t.weight])).toEqual([
      ['intent', 'multi-class', 1],
      ['slots', 'token-tagging', 4],
      ['topics', 'multi-label', 1],
    ]);
    expect(data.needsWords).toBe(true);
    expect(Array.from(data.train.targets.get('intent')?.classes ?? [])).toEqual([0, 0, 2, 2, 1, 0]);
    const slots = MASSIVE_TASKS[1]?.labels as string[];
    expect((data.train.targets.get('slots')?.wordTags?.[0] ?? []).map((g) => slots[g])).toEqual(['O', 'O', 'O', 'O', 'B-time', 'I-time']);
    expect(Array.from(data.test.targets.get('topics')?.multiHot?.subarray(0, 4) ?? [])).toEqual([1, 0, 1, 0]);
  });

  it('two tasks with the same name', () => {
    expect(() => resolveMultitaskConfig({ tasks: [{ name: 'intent' }, { name: 'intent', weight: 2 }] })).toThrow(/two tasks are named 'intent'/);
    const raw = { ...config({}), tasks: [{ name: 'intent', weight: 1 }, { name: 'intent', weight: 1 }] };
    expect(() => prepareMultitaskData(raw, ds)).toThrow(/two tasks are named 'intent'/);
  });

  it('a task whose labels are missing from the data', () => {
    // A declared label no training row has.
    expect(() => prepareMultitaskData(config({ tasks: [{ name: 'intent', labels: ['alarm_set', 'weather_query', 'audio_volume_mute', 'cooking_recipe'] }] }), ds)).toThrow(/'cooking_recipe' are not in the label set/);
    const card = fakeDataset({ train, test }, [...MASSIVE_TASKS, { name: 'mood', type: 'multi-class', field: 'mood', labels: ['happy', 'sad'] }]);
    // A task whose field no row carries.
    expect(() => prepareMultitaskData(config({ tasks: [{ name: 'mood' }] }), card)).toThrow(/task 'mood': no training row has field 'mood'/);
    // A card label that never occurs in the training splits.
    const onlyAlarms = train.filter((r) => r['intent'] === 'alarm_set' || r['intent'] === 'weather_query');
    let error: unknown;
    try {
      prepareMultitaskData(config({ tasks: [{ name: 'intent' }] }), fakeDataset({ train: onlyAlarms, test }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkbenchError);
    expect((error as WorkbenchError).message).toMatch(/task 'intent': label\(s\) 'audio_volume_mute' never occur in the training splits \(train\)/);
    // Restricting the label set is the way out.
    expect(prepareMultitaskData(config({ tasks: [{ name: 'intent', labels: ['alarm_set', 'weather_query'] }] }), fakeDataset({ train: onlyAlarms, test })).tasks[0]?.labels).toEqual(['alarm_set', 'weather_query']);
  });

  it('a token-tagging task on a dataset without tags', () => {
    const untokenized = (rows: DatasetRow[]): DatasetRow[] => rows.map(({ tokens: _t, ...r }) => r as DatasetRow);
    expect(() => prepareMultitaskData(config({ tasks: [{ name: 'intent' }, { name: 'slots' }] }), fakeDataset({ train: untokenized(train), test: untokenized(test) }))).toThrow(
      /task 'slots' tags tokens, but row 'm1' of dataset 'massive-mini' has no word tokens/,
    );
  });

  it('an unknown task, a wrong type, a missing split, a bad weight', () => {
    expect(() => prepareMultitaskData(config({ tasks: [{ name: 'intnet' }] }), ds)).toThrow(/no task 'intnet'.*did you mean 'intent'/);
    expect(() => prepareMultitaskData(config({ tasks: [{ name: 'intent', type: 'multi-label' }] }), ds)).toThrow(/task 'intent' is multi-class in dataset 'massive-mini', not multi-label/);
    expect(() => prepareMultitaskData(config({ testSplit: 'dev', tasks: [{ name: 'intent' }] }), ds)).toThrow(/has no split 'dev'/);
    expect(() => config({ tasks: [{ name: 'intent', weight: 0 }] })).toThrow(/weight must be a positive number/);
    expect(() => config({ tasks: [{ name: 'intent', wieght: 2 }] })).toThrow(/unknown task key 'wieght'/);
    expect(() => config({ sampling: { ratio: { intnet: 1 } } })).toThrow(/sampling.ratio names 'intnet'/);
  });
});

describe('the validation hold-out', () => {
  const { train, test } = massiveRows();
  // 60 training rows: ten copies of the six fixture rows under new ids.
  const many = Array.from({ length: 10 }, (_, k) => train.map((r) => ({ ...r, id: `${r.id}-${k}` }))).flat();
  const ds = fakeDataset({ train: many, test });
  const tasks = [{ name: 'intent' }, { name: 'topics' }];

  it('holds out a seeded share of the training rows, disjoint from the rows trained on, the same for every method and backbone of a seed', () => {
    const a = prepareMultitaskData(config({ tasks, validationFraction: 0.2, seed: 3 }), ds);
    expect(a.validation?.rowIds.length).toBe(12);
    expect(a.train.rowIds.length).toBe(48);
    expect(a.validation?.rowIds.filter((id) => a.train.rowIds.includes(id))).toEqual([]);
    expect(a.validation?.targets.get('intent')?.has.every((h) => h === 1)).toBe(true);
    const b = prepareMultitaskData(config({ tasks, validationFraction: 0.2, seed: 3, method: 'single-task', backbone: { kind: 'decoder' } }), ds);
    expect(b.validation?.rowIds).toEqual(a.validation?.rowIds);
    const c = prepareMultitaskData(config({ tasks, validationFraction: 0.2, seed: 4 }), ds);
    expect(c.validation?.rowIds).not.toEqual(a.validation?.rowIds);
    expect(prepareMultitaskData(config({ tasks }), ds).validation).toBeUndefined();
  });

  it('a fraction outside [0, 1) is refused', () => {
    expect(() => config({ validationFraction: 1 })).toThrow(/validationFraction must be a number in \[0, 1\), got 1/);
    expect(() => config({ validationFraction: -0.1 })).toThrow(/validationFraction/);
    expect(() => config({ backbone: { pooling: 'max' } })).toThrow(/backbone.pooling must be 'auto', 'native', 'mean' or 'first', got "max"/);
  });
});
