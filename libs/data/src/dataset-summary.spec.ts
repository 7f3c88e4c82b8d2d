import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lengthStats, percentile, summarizeDataset } from './dataset-summary.ts';
import { loadDatasetSync } from './load-dataset.ts';
import { generateSyntheticCorpus } from './synthetic-corpus.ts';

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
  });

  it('works on a synthetic corpus too', () => {
    const s = summarizeDataset(generateSyntheticCorpus({ sourceRows: 10, targetTrainRows: 5, targetTestRows: 5 }));
    expect(s.splits.map((x) => x.rows)).toEqual([10, 5, 5]);
  });
});
