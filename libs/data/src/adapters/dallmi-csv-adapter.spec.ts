import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseCard, caught, writeDataset } from '../../test/tmp-dataset.ts';
import { loadDatasetSync } from '../load-dataset.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../../..');
const FIXTURES = path.resolve(HERE, '../../test/fixtures/dallmi');
const env = { DALLMI_DATA: FIXTURES };
const opts = { cwd: REPO, env };


describe('dallmi-csv adapter and the DALLMi cards', () => {
  it('PubMed: index column, quoted multi-line abstracts, 14 MeSH-root labels from position 6', () => {
    const ds = loadDatasetSync('dallmi-pubmed', opts);
    const source = ds.splits['source']?.rows ?? [];
    expect(source.map((r) => r.id)).toEqual(['source:0', 'source:1', 'source:2', 'source:3']);
    expect(source[0]).toEqual({
      id: 'source:0',
      text: 'Hip fractures in men, although less common than in women, carry a higher mortality.\nWe followed 412 men for five years.',
      labels: ['C', 'M'],
      domain: 'source',
      Title: 'Hip fracture in older men',
      pmid: '8549602',
      meshMajor: "['Aged', 'Hip Fractures', 'Male']",
    });
    expect(source[1]?.['Title']).toBe('Prostate "PSA" screening');
    expect(source[3]?.text).toContain('caf\u00e9.');
    const target = ds.splits['target']?.rows ?? [];
    expect(target.map((r) => r['labels'])).toEqual([['C', 'G'], ['G', 'N'], ['C', 'E', 'M']]);
    expect(target[1]?.text).toContain('with "quoted" remarks');
    expect(target[2]?.text).toBe('Mammography screening\r\nreduced mortality in women aged 50-69.');
    expect(ds.tasks[0]?.labels).toEqual([...'ABCDEFGHIJLMNZ']);
    expect(ds.validation).toMatchObject({ rowsRead: 7, rowsKept: 7, rowsRejected: 0, undeclaredFields: {} });
    expect(ds.files.map((f) => f.path)).toEqual(['$DALLMI_DATA/pubmed_female.csv', '$DALLMI_DATA/pubmed_male.csv']);
    // 80/20 splits exactly as the reference's train_test_split(random_state=42): scikit-learn gives
    // [[3, 0, 2], [1]] for 4 rows and [[1, 2], [0]] for 3.
    expect(ds.splits['source_train']?.rows.map((r) => r.id)).toEqual(['source:3', 'source:0', 'source:2']);
    expect(ds.splits['source_test']?.rows.map((r) => r.id)).toEqual(['source:1']);
    expect(ds.splits['target_train']?.rows.map((r) => r.id)).toEqual(['target:1', 'target:2']);
    expect(ds.splits['target_test']?.rows.map((r) => r.id)).toEqual(['target:0']);
  });

  it('arXiv: the source is the OLDER file; CRLF files; term labels read from the header', () => {
    const ds = loadDatasetSync('dallmi-arxiv', opts);
    expect(ds.card.splits['source']?.file).toBe('arvix_older_papers.csv');
    expect(ds.splits['source']?.rows.map((r) => r.text)).toEqual([
      'We present a residual learning framework to ease the training of deep networks.',
      'Dropout: a simple way to prevent neural networks from overfitting.',
      'Distinctive image features from scale-invariant keypoints.',
    ]);
    expect(ds.splits['target']?.rows[0]?.text).toMatch(/^An image is worth 16x16 words/);
    expect(ds.tasks[0]?.labels).toEqual(['cs.CV', 'cs.LG', 'stat.ML']);
    expect(ds.splits['source']?.rows[1]?.['labels']).toEqual(['cs.LG', 'stat.ML']);
    expect(ds.card.splits['source']?.limit).toBe(6000);
  });

  it('Movies: genres from position 13', () => {
    const ds = loadDatasetSync('dallmi-movies', opts);
    expect(ds.tasks[0]?.labels).toEqual(['Action', 'Comedy', 'Drama']);
    expect(ds.splits['source']?.rows.map((r) => r['labels'])).toEqual([['Action'], ['Comedy', 'Drama']]);
    expect(ds.splits['target']?.rows[0]).toMatchObject({ text: 'A detective hunts a crew of professional thieves in Los Angeles.', labels: ['Action', 'Drama'], domain: 'target' });
    expect(ds.splits['target']?.rows[1]?.['labels']).toEqual(['Comedy']);
  });

  it('row limits come from the card (the reference nrows)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wb-dallmi-'));
    for (const f of ['pubmed_male.csv', 'pubmed_female.csv']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    const card = JSON.parse(JSON.stringify(loadDatasetSync('dallmi-pubmed', opts).card));
    card.splits.source.limit = 2;
    const ds = loadDatasetSync(writeDataset(card, {}), { env: { DALLMI_DATA: dir } });
    expect(ds.splits['source']?.rows.map((r) => r.id)).toEqual(['source:0', 'source:1']);
  });

  it('DALLMI_DATA unset: says what to set and which file is needed', () => {
    const e = caught(() => loadDatasetSync('dallmi-pubmed', { cwd: REPO, env: {} }));
    expect(e.code).toBe('DATASET_NOT_FOUND');
    expect(e.message).toContain("DALLMI_DATA: splits.source.file: dataset 'dallmi-pubmed' reads its files from the folder named by DALLMI_DATA, which is not set; it needs 'pubmed_male.csv' there");
    expect(e.message).toContain("hint: set DALLMI_DATA to the folder holding pubmed_male.csv, pubmed_female.csv (the DALLMi reference repository's pu_bert/data/ folder)");
  });

  it('a file absent from DALLMI_DATA is named', () => {
    const e = caught(() => loadDatasetSync('dallmi-pubmed', { cwd: REPO, env: { DALLMI_DATA: os.tmpdir() } }));
    expect(e.code).toBe('DATASET_NOT_FOUND');
    expect(e.message).toContain(`missing data file 'pubmed_male.csv' of dataset 'dallmi-pubmed': ${path.join(os.tmpdir(), 'pubmed_male.csv')} does not exist (DALLMI_DATA=${os.tmpdir()})`);
  });

  it('a stray non-0/1 label cell fails with its file and line', () => {
    const card = JSON.parse(JSON.stringify(loadDatasetSync('dallmi-pubmed', opts).card));
    card.splits.target.file = 'pubmed_female_bad_cell.csv';
    const dir = writeDataset(card, {});
    const e = caught(() => loadDatasetSync(dir, { env }));
    expect(e.code).toBe('DATASET_INVALID');
    expect(e.message).toContain(`${FIXTURES}/pubmed_female_bad_cell.csv:3: split 'target': label column 'C' (column 10) holds "2", not 0 or 1 (row 'target:1')`);
    const lenient = loadDatasetSync(dir, { env, lenient: true });
    expect(lenient.validation.rejects).toEqual([
      { split: 'target', file: `${FIXTURES}/pubmed_female_bad_cell.csv`, line: 3, id: 'target:1', code: 'bad-label-cell', reason: `label column 'C' (column 10) holds "2", not 0 or 1` },
    ]);
    expect(lenient.splits['target']?.rows.map((r) => r.id)).toEqual(['target:0', 'target:2']);
  });

  const csvCard = (options: Record<string, unknown>, labels = ['x', 'y']) =>
    baseCard({ format: 'dallmi-csv', options, splits: { train: { file: 'a.csv', domain: 'src' } }, tasks: [{ name: 'tags', type: 'multi-label', field: 'labels', labels }] });

  it('wrong column count, empty index, empty text and malformed quoting are rejected with their lines', () => {
    const csv = ',body,x,y\n0,fine,1,0\n1,too,many,1,0\n,no index,0,1\n3,,0,0\n4,"bad"quote,0,0\n5,"ok",0,1\n';
    const dir = writeDataset(csvCard({ textColumn: 'body', firstLabelColumn: 1 }), { 'a.csv': csv });
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/a.csv:3: split 'train': expected 4 columns (as the header), got 5`);
    const ds = loadDatasetSync(dir, { lenient: true });
    expect(ds.validation.rejects.map((r) => [r.line, r.code])).toEqual([
      [3, 'column-count'],
      [4, 'missing-id'],
      [5, 'empty-text'],
      [6, 'bad-csv'],
    ]);
    expect(ds.splits['train']?.rows.map((r) => r.id)).toEqual(['train:0', 'train:5']);
  });

  it('header problems name the card option or the header line', () => {
    let dir = writeDataset(csvCard({ textColumn: 'bdy', firstLabelColumn: 1 }), { 'a.csv': ',body,x,y\n0,t,1,0\n' });
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/dataset.json: options.textColumn: text column 'bdy' is not in the header of ${dir}/a.csv (did you mean 'body'?)`);
    dir = writeDataset(csvCard({ textColumn: 'body', firstLabelColumn: 7 }), { 'a.csv': ',body,x,y\n0,t,1,0\n' });
    expect(() => loadDatasetSync(dir)).toThrow('options.firstLabelColumn: firstLabelColumn 7 is outside the 3 columns');
    dir = writeDataset(csvCard({ textColumn: 'body', firstLabelColumn: 1 }, ['x', 'z']), { 'a.csv': ',body,x,y\n0,t,1,0\n' });
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/a.csv:1: the label columns of the header (x, y) differ from the labels of task 'tags' (x, z)`);
    dir = writeDataset(csvCard({ textColumn: 'body', firstLabelColumn: 1, nrows: 3 }), { 'a.csv': ',body,x,y\n0,t,1,0\n' });
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/dataset.json: options.nrows: unknown key 'nrows'`);
  });
});
