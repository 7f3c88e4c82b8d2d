import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '@workbench/core';
import { baseCard, writeDataset } from '../test/tmp-dataset.ts';
import { CARD_KEYS, TASK_TYPES, parseDatasetCard, readDatasetCard } from './dataset-card.ts';

function cardError(raw: unknown): WorkbenchError {
  try {
    parseDatasetCard(raw, '/d/dataset.json');
  } catch (e) {
    if (e instanceof WorkbenchError) return e;
    throw e;
  }
  throw new Error('expected the card to be rejected');
}

describe('dataset card', () => {
  it('parses a valid card with defaults (format jsonl, no options, no metadata)', () => {
    const card = parseDatasetCard(baseCard(), '/d/dataset.json');
    expect(card.format).toBe('jsonl');
    expect(card.options).toEqual({});
    expect(card.metadata).toEqual({});
    expect(card.tasks[0]).toEqual({ name: 'tags', type: 'multi-label', field: 'labels', labels: ['a', 'b', 'c'] });
  });

  it.each([
    [{ nmae: 'x' }, 'nmae', "unknown key 'nmae' (did you mean 'name'?)"],
    [{ name: '' }, 'name', 'expected a non-empty string'],
    [{ name: 'a b' }, 'name', "dataset name 'a b' must be"],
    [{ license: undefined }, 'license', 'expected a non-empty string, got nothing (missing)'],
    [{ tasks: [] }, 'tasks', 'at least one task'],
    [{ tasks: [{ name: 't', type: 'multilabel', field: 'labels', labels: ['a'] }] }, 'tasks[0].type', "unknown task type 'multilabel' (did you mean 'multi-label'?)"],
    [{ tasks: [{ name: 't', type: 'multi-label', field: 'labels', labels: ['a', 'a'] }] }, 'tasks[0].labels', "label 'a' is listed twice"],
    [{ tasks: [{ name: 't', type: 'multi-label', field: 'labels', labels: ['a', 3] }] }, 'tasks[0].labels[1]', 'expected a non-empty string, got number 3'],
    [{ tasks: [{ name: 't', type: 'multi-class', field: 'text', labels: ['a'] }] }, 'tasks[0].field', "'text' is a reserved row field"],
    [{ splits: { train: { file: 'a', dir: 'b' } } }, 'splits.train', "exactly one of 'file', 'dir' or 'from'"],
    [{ splits: { train: { file: 'a', domain: 'scr' } } }, 'splits.train.domain', "unknown domain 'scr' (did you mean 'src'?)"],
    [{ splits: { train: { file: 'a', limit: 0 } } }, 'splits.train.limit', 'expected a positive integer, got 0'],
    [{ splits: { a: { file: 'a' }, b: { from: 'a', fraction: [0.5, 0.2] } } }, 'splits.b.fraction', '0 <= start < end <= 1'],
    [{ splits: { a: { file: 'a' }, b: { from: 'c', fraction: [0, 1] } } }, 'splits.b.from', "unknown split 'c'"],
    [{ splits: { a: { file: 'a' }, b: { from: 'a', fraction: [0, 1], trainTestSplit: {} } } }, 'splits.b', "either 'fraction' (and 'seed') or 'trainTestSplit'"],
    [{ splits: { a: { file: 'a' }, b: { from: 'a', trainTestSplit: { testSize: 0.2, randomState: 42, part: 'val' } } } }, 'splits.b.trainTestSplit.part', "expected 'train' or 'test'"],
    [{ splits: { a: { file: 'a', trainTestSplit: {} } } }, 'splits.a', 'only for a split derived'],
    [{ domains: { src: { field: 'section', values: ['x'] } } }, 'domains.src.field', "must be declared under 'metadata'"],
    [{ domains: { src: { field: 'section' } } }, 'domains.src', "'field' and 'values' go together"],
    [{ metadata: { text: {} } }, 'metadata.text', 'reserved row field'],
  ])('rejects %j at %s', (override, jsonPath, message) => {
    const e = cardError(baseCard(override as Record<string, unknown>));
    expect(e.code).toBe('DATASET_INVALID');
    expect(e.where).toEqual({ file: '/d/dataset.json', path: jsonPath });
    expect(e.message).toContain(`/d/dataset.json: ${jsonPath}: invalid dataset card: `);
    expect(e.message).toContain(message);
  });

  it('names the line and column of a card that is not JSON', () => {
    const dir = writeDataset('{\n  "name": "x",\n  oops\n}', {});
    expect(() => readDatasetCard(`${dir}/dataset.json`)).toThrow(new RegExp(`${dir}/dataset.json:3:\\d+: dataset card is not valid JSON`));
  });
});

describe('dataset card JSON Schema', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const schema = JSON.parse(readFileSync(path.resolve(here, '../dataset-card.schema.json'), 'utf8'));
  const keys = (o: { properties: Record<string, unknown> }): string[] => Object.keys(o.properties).sort();

  it('lists exactly the keys the parser accepts, object by object', () => {
    expect(keys(schema)).toEqual([...CARD_KEYS.card].sort());
    expect(keys(schema.properties.provenance)).toEqual([...CARD_KEYS.provenance].sort());
    expect(keys(schema.properties.dataRoot)).toEqual([...CARD_KEYS.dataRoot].sort());
    expect(keys(schema.$defs.split)).toEqual([...CARD_KEYS.split].sort());
    expect(keys(schema.$defs.trainTestSplit)).toEqual([...CARD_KEYS.trainTestSplit].sort());
    expect(keys(schema.$defs.domain)).toEqual([...CARD_KEYS.domain].sort());
    expect(keys(schema.$defs.metadata)).toEqual([...CARD_KEYS.metadata].sort());
    expect(keys(schema.$defs.task)).toEqual([...CARD_KEYS.task].sort());
    expect(schema.$defs.task.properties.type.enum).toEqual([...TASK_TYPES]);
  });

  it('every bundled card points at the schema and parses', () => {
    const root = path.resolve(here, '../../../datasets');
    const cards = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'dataset.json')));
    expect(cards.length).toBeGreaterThanOrEqual(6);
    for (const d of cards) {
      const raw = JSON.parse(readFileSync(path.join(root, d, 'dataset.json'), 'utf8'));
      expect(raw.$schema).toBe('../../libs/data/dataset-card.schema.json');
      expect(readDatasetCard(path.join(root, d, 'dataset.json')).name).toBe(d);
    }
  });
});
