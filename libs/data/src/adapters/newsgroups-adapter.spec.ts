import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseCard, jsonl, writeDataset } from '../../test/tmp-dataset.ts';
import { loadDatasetSync } from '../load-dataset.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../../..');
const FIXTURES = path.resolve(HERE, '../../test/fixtures/newsgroups');

describe('newsgroups adapter and the 20newsgroups card', () => {
  it('bydate folders: ids, 20-way and 7-way labels, Latin-1, removal of headers/footers/quotes, empty posts filtered and counted', () => {
    const ds = loadDatasetSync('20newsgroups', { cwd: REPO, env: { NEWSGROUPS_DATA: FIXTURES } });
    const train = ds.splits['train']?.rows ?? [];
    expect(train.map((r) => r.id)).toEqual(['comp.graphics/37261', 'comp.graphics/37262', 'rec.autos/101551', 'talk.politics.misc/178433']);
    expect(train[0]).toMatchObject({ id: 'comp.graphics/37261', label: 'comp.graphics', category: 'comp', domain: 'newsgroups' });
    expect(Object.keys(train[0] ?? {}).sort()).toEqual(['category', 'domain', 'id', 'label', 'text']);
    // Every kept text equals what scikit-learn 1.2.1 makes of the same post (golden file made with it).
    const golden = JSON.parse(readFileSync(path.join(FIXTURES, 'sklearn-cleaned.json'), 'utf8')).posts as Record<string, string>;
    for (const split of ['train', 'test']) {
      for (const r of ds.splits[split]?.rows ?? []) expect(r.text).toBe(golden[`20news-bydate-${split}/${r.id}`]);
    }
    expect(train[1]?.text).toContain('Merci, Ren\u00e9');
    expect(golden['20news-bydate-train/rec.autos/101552']).toBe('');
    expect(train[3]).toMatchObject({ label: 'talk.politics.misc', category: 'talk' });
    // rec.autos/101552 is only a quote: empty after removal, filtered and counted, not silently dropped.
    expect(ds.validation).toMatchObject({ rowsRead: 7, rowsKept: 6, rowsFiltered: 1, filters: { 'empty after removing headers, footers, quotes': 1 } });
    expect(ds.splits['test']?.rows.map((r) => r['category'])).toEqual(['comp', 'rec']);
    expect(ds.tasks.map((t) => t.labels.length)).toEqual([20, 7]);
    expect(ds.files.map((f) => f.path)).toContain('$NEWSGROUPS_DATA/20news-bydate-train/comp.graphics/37262');
  });

  it('raw posts with remove: []; emptyAfterRemoval: reject makes an empty post an error', () => {
    const card = JSON.parse(JSON.stringify(loadDatasetSync('20newsgroups', { cwd: REPO, env: { NEWSGROUPS_DATA: FIXTURES }, splits: ['test'] }).card));
    card.options.remove = [];
    const raw = loadDatasetSync(writeDataset(card, {}), { env: { NEWSGROUPS_DATA: FIXTURES } });
    expect(raw.splits['train']?.rows[0]?.text).toMatch(/^From: jdoe@cs\.example\.edu/);
    card.options = { remove: ['headers', 'footers', 'quotes'], emptyAfterRemoval: 'reject' };
    expect(() => loadDatasetSync(writeDataset(card, {}), { env: { NEWSGROUPS_DATA: FIXTURES } })).toThrow(`${FIXTURES}/20news-bydate-train/rec.autos/101552:1: split 'train': empty after removing headers, footers, quotes`);
    card.options = { remove: ['header'] };
    expect(() => loadDatasetSync(writeDataset(card, {}), { env: { NEWSGROUPS_DATA: FIXTURES } })).toThrow("options.remove[0]: unknown part 'header' (did you mean 'headers'?)");
  });

  it('JSONL export {text, label, label_text}', () => {
    const card = baseCard({
      format: 'newsgroups',
      options: { layout: 'jsonl' },
      splits: { train: { file: path.join(FIXTURES, 'train.jsonl') } },
      domains: { all: {} },
      tasks: [
        { name: 'topic20', type: 'multi-class', field: 'label', labels: ['comp.graphics', 'rec.autos', 'talk.politics.misc'] },
        { name: 'topic7', type: 'multi-class', field: 'category', labels: ['comp', 'rec', 'talk'] },
      ],
    });
    const ds = loadDatasetSync(writeDataset(card, {}));
    expect(ds.splits['train']?.rows.map((r) => [r.id, r['label'], r['category'], r.domain])).toEqual([
      ['train:1', 'comp.graphics', 'comp', 'all'],
      ['train:2', 'rec.autos', 'rec', 'all'],
      ['train:3', 'talk.politics.misc', 'talk', 'all'],
    ]);
  });

  it('JSONL without label_text: the integer label indexes the task labels; out of range is rejected', () => {
    const groups = ['alt.atheism', 'comp.graphics', 'rec.autos'];
    const card = baseCard({
      format: 'newsgroups',
      options: { layout: 'jsonl' },
      splits: { train: { file: 'n.jsonl' } },
      domains: { all: {} },
      tasks: [
        { name: 'topic20', type: 'multi-class', field: 'label', labels: groups },
        { name: 'topic7', type: 'multi-class', field: 'category', labels: ['alt', 'comp', 'rec'] },
      ],
    });
    const dir = writeDataset(card, { 'n.jsonl': jsonl({ text: 'a post', label: 2 }, { text: 'another', label: 9 }) });
    const ds = loadDatasetSync(dir, { lenient: true });
    expect(ds.splits['train']?.rows.map((r) => [r['label'], r['category']])).toEqual([['rec.autos', 'rec']]);
    expect(ds.validation.rejects[0]).toMatchObject({ line: 2, code: 'missing-label' });
  });
});
