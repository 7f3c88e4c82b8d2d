import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lengthStats, percentile, summarizeDataset } from './dataset-summary.ts';
import { loadDatasetSync } from './load-dataset.ts';
import { generateSyntheticCorpus } from './synthetic-corpus.ts';
import { baseCard, jsonl, writeDataset } from '../test/tmp-dataset.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('dataset summary', () => {
  it('percentiles interpolate linearly, as numpy.percentile does', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 95]) = [1.75, 2.5, 3.85]
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([1, 2, 3, 4], 50)).toBeCloseTo(2.5, 12);
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12);
    expect(lengthStats([5])).toEqual({ min: 5, p5: 5, p25: 5, p50: 5, p75: 5, p95: 5, max: 5, mean: 5 });
  });

  it('debtags-dev: rows per split and domain, label frequencies matching labels.json, text lengths', () => {
    const s = summarizeDataset(loadDatasetSync('debtags-dev', { cwd: REPO, env: {} }));
    expect(s.splits.map((x) => [x.name, x.rows, x.domains])).toEqual([
      ['source', 3503, { source: 3503 }],
      ['target_train', 1672, { target: 1672 }],
      ['target_test', 1218, { target: 1218 }],
    ]);
    const meta = JSON.parse(readFileSync(path.join(REPO, 'datasets/debtags-dev/labels.json'), 'utf8'));
    const tags = s.tasks.find((t) => t.name === 'tags');
    expect(tags?.labels).toHaveLength(20);
    for (const split of ['source', 'target_train', 'target_test']) expect(tags?.frequencies[split]).toEqual(meta.label_counts[split]);
    expect(tags?.labelsPerRow?.['source']?.mean).toBeGreaterThan(1.5);
    expect(tags?.labelsPerRow?.['source']?.mean).toBeLessThan(3);
    const section = s.tasks.find((t) => t.name === 'section');
    expect(Object.values(section?.frequencies['source'] ?? {}).reduce((a, b) => a + b, 0)).toBe(3503);
    // The README: median ~55-62 words.
    for (const split of s.splits) {
      expect(split.words.p50).toBeGreaterThan(45);
      expect(split.words.p50).toBeLessThan(70);
      expect(split.words.min).toBeLessThanOrEqual(split.words.p5);
    }
    expect(s.validation).toMatchObject({ rowsRead: 6393, rowsKept: 6393 });
    expect('rejects' in s.validation).toBe(false);
    // The target split is by package family: no test text is also a train text.
    expect(s.sharedTexts.find((x) => x.a === 'target_train' && x.b === 'target_test')?.texts).toBe(0);
  });

  it('counts duplicate texts within a split and texts shared between splits (not with a parent split)', () => {
    const rows = ['Hello  world', 'hello world', 'other', 'third'].map((text, i) => ({ id: `r${i}`, text, labels: [] }));
    const card = baseCard({
      splits: {
        train: { file: 'train.jsonl', domain: 'src' },
        test: { file: 'test.jsonl', domain: 'tgt' },
        part: { from: 'train', fraction: [0, 1], seed: 1 },
      },
    });
    const ds = loadDatasetSync(writeDataset(card, { 'train.jsonl': jsonl(...rows.slice(0, 3)), 'test.jsonl': jsonl({ ...rows[3], id: 't0' }, { id: 't1', text: 'OTHER', labels: [] }) }));
    const s = summarizeDataset(ds);
    expect(s.splits.map((x) => [x.name, x.duplicateTexts])).toEqual([
      ['train', 1],
      ['test', 0],
      ['part', 1],
    ]);
    expect(s.sharedTexts).toEqual([
      { a: 'train', b: 'test', texts: 1 },
      { a: 'test', b: 'part', texts: 1 },
    ]);
  });

  it('works on a synthetic corpus too', () => {
    const s = summarizeDataset(generateSyntheticCorpus({ sourceRows: 10, targetTrainRows: 5, targetTestRows: 5 }));
    expect(s.splits.map((x) => x.rows)).toEqual([10, 5, 5]);
  });
});
