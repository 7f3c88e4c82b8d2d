import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseCard, caught, jsonl, writeDataset } from '../test/tmp-dataset.ts';
import { getSplit, getTask, loadDataset, loadDatasetSync, splitDigest, toDatasetInput } from './load-dataset.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');


describe('loadDataset: the bundled debtags-dev', () => {
  const ds = loadDatasetSync('debtags-dev', { cwd: REPO, env: {} });

  it('has the three splits with the documented sizes and 20 labels', () => {
    expect(ds.splitNames).toEqual(['source', 'target_train', 'target_test']);
    expect(ds.splits['source']?.rows).toHaveLength(3503);
    expect(ds.splits['target_train']?.rows).toHaveLength(1672);
    expect(ds.splits['target_test']?.rows).toHaveLength(1218);
    expect(getTask(ds, 'tags').labels).toHaveLength(20);
    expect(getTask(ds, 'tags').labels[0]).toBe('implemented-in::c');
    expect(getTask(ds, 'section').type).toBe('multi-class');
  });

  it('counts every row as read and kept, none rejected', () => {
    expect(ds.validation).toMatchObject({ rowsRead: 6393, rowsKept: 6393, rowsRejected: 0, rowsFiltered: 0, undeclaredFields: {} });
    expect(ds.validation.splits['target_test']).toEqual({ read: 1218, kept: 1218, rejected: 0, filtered: 0 });
  });

  it('matches the label counts of labels.json', async () => {
    const { readFileSync } = await import('node:fs');
    const meta = JSON.parse(readFileSync(path.join(REPO, 'datasets/debtags-dev/labels.json'), 'utf8'));
    for (const split of ds.splitNames) {
      const counts: Record<string, number> = {};
      for (const r of ds.splits[split]?.rows ?? []) for (const l of r['labels'] as string[]) counts[l] = (counts[l] ?? 0) + 1;
      expect(counts).toEqual(meta.label_counts[split]);
    }
  });

  it('marks section (which defines the domain) as a non-input field', () => {
    expect(ds.metadataFields).toEqual(['section']);
    expect(ds.nonInputFields).toEqual(['domain', 'section']);
    expect(ds.card.metadata['section']?.definesDomain).toBe(true);
    expect(ds.domains['source']?.values).toContain('admin');
  });

  it('has a content digest over the card and the three files', () => {
    expect(ds.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(ds.files.map((f) => f.path)).toEqual(['source.jsonl', 'target_test.jsonl', 'target_train.jsonl']);
    expect(ds.files[0]?.bytes).toBe(2120838);
    const input = toDatasetInput(ds, 'train');
    expect(input).toMatchObject({ name: 'debtags-dev', digest: ds.digest.slice(0, 8), sourceType: 'local', context: 'train' });
    expect(JSON.parse(input.profile as string).num_rows.source).toBe(3503);
    const test = toDatasetInput(ds, 'eval', 'target_test');
    expect(test).toMatchObject({ name: 'debtags-dev/target_test', context: 'eval' });
    expect(JSON.parse(test.profile as string).num_rows).toEqual({ target_test: 1218 });
    expect(JSON.parse(test.source).split_sha256.slice(0, 8)).toBe(test.digest);
    expect(splitDigest(ds, 'target_test')).not.toBe(splitDigest(ds, 'target_train'));
    expect(splitDigest(ds, 'target_test')).toBe(splitDigest(loadDatasetSync('debtags-dev', { cwd: REPO, env: {}, splits: ['target_test'] }), 'target_test'));
  });

  it('resolves the same dataset by path and through WORKBENCH_DATASETS, with the same digest', async () => {
    const byPath = await loadDataset(path.join(REPO, 'datasets/debtags-dev'), { splits: ['target_test'] });
    expect(byPath.splitNames).toEqual(['target_test']);
    expect(byPath.digest).not.toBe(ds.digest);
    const byEnv = loadDatasetSync('debtags-dev', { cwd: '/', env: { WORKBENCH_DATASETS: path.join(REPO, 'datasets') } });
    expect(byEnv.digest).toBe(ds.digest);
  });
});

describe('loadDataset: references and splits', () => {
  it('an unknown name lists the available datasets with a did-you-mean', () => {
    const e = caught(() => loadDatasetSync('debtags-de', { cwd: REPO, env: {} }));
    expect(e.code).toBe('DATASET_NOT_FOUND');
    expect(e.message).toContain("unknown dataset 'debtags-de' (did you mean 'debtags-dev'?)");
  });

  it('a folder without a card is named', () => {
    const e = caught(() => loadDatasetSync('./libs', { cwd: REPO }));
    expect(e.code).toBe('DATASET_NOT_FOUND');
    expect(e.message).toContain("no dataset.json in dataset folder './libs'");
  });

  it('a missing split file names the card and the JSON path', () => {
    const dir = writeDataset(baseCard(), { 'train.jsonl': jsonl({ id: '1', text: 'x', labels: [] }) });
    const e = caught(() => loadDatasetSync(dir));
    expect(e.code).toBe('DATASET_NOT_FOUND');
    expect(e.message).toContain(`${dir}/dataset.json: splits.test.file: missing data file 'test.jsonl'`);
  });

  it('getSplit and getTask name the valid choices', () => {
    const dir = writeDataset(baseCard(), { 'train.jsonl': jsonl({ id: '1', text: 'x', labels: ['a'] }), 'test.jsonl': '' });
    const ds = loadDatasetSync(dir);
    expect(() => getSplit(ds, 'tset')).toThrow("has no split 'tset' (did you mean 'test'?); splits: train, test");
    expect(() => getTask(ds, 'tag')).toThrow("has no task 'tag' (did you mean 'tags'?)");
    expect(ds.splits['train']?.rows[0]).toEqual({ id: '1', text: 'x', labels: ['a'], domain: 'src' });
  });

  it('derives seeded, disjoint, covering partitions of a split', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, text: `t${i}`, labels: [] }));
    const card = baseCard({
      splits: {
        all: { file: 'all.jsonl', domain: 'src' },
        train: { from: 'all', fraction: [0, 0.8], seed: 42 },
        test: { from: 'all', fraction: [0.8, 1], seed: 42 },
      },
    });
    const ds = loadDatasetSync(writeDataset(card, { 'all.jsonl': jsonl(...rows) }));
    const train = ds.splits['train']?.rows.map((r) => r.id) ?? [];
    const test = ds.splits['test']?.rows.map((r) => r.id) ?? [];
    expect(train).toHaveLength(8);
    expect(test).toHaveLength(2);
    expect(new Set([...train, ...test]).size).toBe(10);
    expect(train).not.toEqual(rows.slice(0, 8).map((r) => r.id));
    const again = loadDatasetSync(writeDataset(card, { 'all.jsonl': jsonl(...rows) }));
    expect(again.splits['test']?.rows.map((r) => r.id)).toEqual(test);
  });

  it('trainTestSplit reproduces scikit-learn row for row; a too-small parent is a clear error', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, text: `t${i}`, labels: [] }));
    const tts = (part: string) => ({ from: 'all', trainTestSplit: { testSize: 0.2, randomState: 42, part } });
    const card = baseCard({ splits: { all: { file: 'all.jsonl', domain: 'src' }, train: tts('train'), test: tts('test') } });
    const ds = loadDatasetSync(writeDataset(card, { 'all.jsonl': jsonl(...rows) }));
    // train_test_split(list(range(7)), test_size=0.2, random_state=42) == [[5, 2, 4, 3, 6], [0, 1]]
    expect(ds.splits['train']?.rows.map((r) => r.id)).toEqual(['r5', 'r2', 'r4', 'r3', 'r6']);
    expect(ds.splits['test']?.rows.map((r) => r.id)).toEqual(['r0', 'r1']);
    const dir = writeDataset(card, { 'all.jsonl': jsonl(rows[0]) });
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/dataset.json: splits.train.trainTestSplit: cannot derive split 'train' from the 1 rows of 'all'`);
  });

  it('limit keeps the first records of a file (the reference code nrows)', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, text: `t${i}`, labels: [] }));
    const card = baseCard({ splits: { train: { file: 'a.jsonl', domain: 'src', limit: 3 } } });
    const ds = loadDatasetSync(writeDataset(card, { 'a.jsonl': jsonl(...rows) }));
    expect(ds.splits['train']?.rows.map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
    expect(ds.validation.rowsRead).toBe(3);
  });

  it('the digest changes when a data file changes', () => {
    const a = loadDatasetSync(writeDataset(baseCard({ splits: { train: { file: 'a.jsonl', domain: 'src' } } }), { 'a.jsonl': jsonl({ id: '1', text: 'x', labels: [] }) }));
    const b = loadDatasetSync(writeDataset(baseCard({ splits: { train: { file: 'a.jsonl', domain: 'src' } } }), { 'a.jsonl': jsonl({ id: '1', text: 'y', labels: [] }) }));
    const c = loadDatasetSync(writeDataset(baseCard({ splits: { train: { file: 'a.jsonl', domain: 'src' } } }), { 'a.jsonl': jsonl({ id: '1', text: 'y', labels: [] }) }));
    expect(a.digest).not.toBe(b.digest);
    expect(b.digest).toBe(c.digest);
  });
});
