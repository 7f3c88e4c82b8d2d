import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseCard, writeDataset } from '../../test/tmp-dataset.ts';
import { loadDatasetSync } from '../load-dataset.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/table');

const card = (file: string, options: Record<string, unknown>) =>
  baseCard({
    format: 'table',
    options: { id: 'review_id', text: ['title', 'body'], domain: 'shop', columns: { labels: 'topics', label: 'sentiment' }, ...options },
    splits: { all: { file: path.join(FIXTURES, file) } },
    domains: { amazon: {}, ebay: {} },
    tasks: [
      { name: 'topics', type: 'multi-label', field: 'labels', labels: ['kitchen', 'appliance', 'lighting'] },
      { name: 'sentiment', type: 'multi-class', field: 'label', labels: ['neg', 'pos'] },
    ],
    metadata: { stars: { description: 'star rating (derived from the sentiment: never an input)' } },
  });

describe('table adapter: your own CSV / TSV / JSONL with a column mapping', () => {
  it('CSV: id, joined text columns, domain column, separated multi-label cell, renamed columns, metadata', () => {
    const ds = loadDatasetSync(writeDataset(card('reviews.csv', {}), {}));
    expect(ds.splits['all']?.rows).toEqual([
      { id: 'r1', text: 'Great kettle\nBoils fast, quiet.', domain: 'amazon', labels: ['kitchen', 'appliance'], label: 'pos', stars: '5' },
      { id: 'r2', text: 'Broken lid\nThe lid broke after a week; "sturdy" it is not.', domain: 'ebay', labels: ['kitchen'], label: 'neg', stars: '1' },
      { id: 'r3', text: 'Nice lamp\nWarm light', domain: 'amazon', labels: [], label: 'pos', stars: '4' },
    ]);
    expect(ds.validation).toMatchObject({ rowsRead: 3, rowsKept: 3, undeclaredFields: {} });
  });

  it('TSV', () => {
    const ds = loadDatasetSync(writeDataset(card('reviews.tsv', { format: 'tsv' }), {}));
    expect(ds.splits['all']?.rows[0]).toMatchObject({ id: 'r1', text: 'Great kettle\nBoils fast, quiet.', labels: ['kitchen', 'appliance'] });
  });

  it('JSONL: arrays stay arrays, a string label list is split, numeric ids become strings', () => {
    const ds = loadDatasetSync(writeDataset(card('reviews.jsonl', { format: 'jsonl' }), {}));
    expect(ds.splits['all']?.rows.map((r) => [r.id, r['labels'], r['stars']])).toEqual([
      ['1', ['kitchen', 'appliance'], 5],
      ['2', ['kitchen'], 1],
    ]);
  });

  it('id: null and no id column: ids are <split>:<record>', () => {
    const ds = loadDatasetSync(writeDataset(card('reviews.csv', { id: null }), {}));
    expect(ds.splits['all']?.rows.map((r) => r.id)).toEqual(['all:1', 'all:2', 'all:3']);
  });

  it('a mapped column missing from the header names the file, the line and the columns', () => {
    expect(() => loadDatasetSync(writeDataset(card('reviews.csv', { text: 'content' }), {}))).toThrow(`${FIXTURES}/reviews.csv:1: text column 'content' is not in the header; columns: review_id, title, body`);
  });

  it('a mapping to a field the card does not declare is an error at its JSON path', () => {
    expect(() => loadDatasetSync(writeDataset(card('reviews.csv', { columns: { lables: 'topics' } }), {}))).toThrow("options.columns.lables: 'lables' is not a task, token or metadata field of the card (did you mean 'labels'?)");
  });

  it('wrong column count and unknown labels are rejected with their lines', () => {
    const csv = 'review_id,title,body,topics,sentiment,shop,stars\nr1,a,b,kitchen,pos,amazon,5\nr2,a,b,kitchen,pos,amazon\nr3,a,b,garden,pos,amazon,5\n';
    const dir2 = writeDataset({ ...card('x.csv', {}), splits: { all: { file: 'x.csv' } } }, { 'x.csv': csv });
    expect(() => loadDatasetSync(dir2)).toThrow(`${dir2}/x.csv:3: split 'all': expected 7 columns (as the header), got 6`);
    const ds = loadDatasetSync(dir2, { lenient: true });
    expect(ds.validation.rejects.map((r) => [r.line, r.code])).toEqual([
      [3, 'column-count'],
      [4, 'unknown-label'],
    ]);
  });
});
