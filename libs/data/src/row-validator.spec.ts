import { writeFileSync } from 'node:fs';
import { WorkbenchError } from '@workbench/core';
import { baseCard, jsonl, writeDataset } from '../test/tmp-dataset.ts';
import { loadDatasetSync } from './load-dataset.ts';
import type { RejectCode } from './validation-report.ts';

const GOOD = { id: 'ok', text: 'fine', labels: ['a'] };

/** Loads train.jsonl = [GOOD, bad] strictly (expects an error at line 2) and leniently (expects one reject). */
function expectReject(bad: unknown, code: RejectCode, reason: string, card = baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } } })): void {
  const dir = writeDataset(card, { 'train.jsonl': jsonl(GOOD, bad) });
  let err: unknown;
  try {
    loadDatasetSync(dir);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(WorkbenchError);
  const e = err as WorkbenchError;
  expect(e.code).toBe('DATASET_INVALID');
  expect(e.message).toContain(`${dir}/train.jsonl:2: split 'train': `);
  expect(e.message).toContain(reason);
  expect(e.details?.['code']).toBe(code);
  const ds = loadDatasetSync(dir, { lenient: true });
  expect(ds.splits['train']?.rows.map((r) => r.id)).toEqual(['ok']);
  expect(ds.validation).toMatchObject({ rowsRead: 2, rowsKept: 1, rowsRejected: 1, reasons: { [code]: 1 } });
  expect(ds.validation.rejects[0]).toMatchObject({ split: 'train', file: `${dir}/train.jsonl`, line: 2, code });
}

describe('row validation: every rule is an error naming file, line and reason', () => {
  it('bad JSON', () => expectReject('{"id": "x", "text": ', 'bad-json', 'bad JSON'));
  it('a JSON value that is not an object', () => expectReject('[1, 2]', 'not-an-object', 'expected a JSON object, got an array'));
  it('missing id', () => expectReject({ text: 'x', labels: [] }, 'missing-id', "missing 'id'"));
  it('duplicate id (names the first occurrence)', () => expectReject({ id: 'ok', text: 'again', labels: [] }, 'duplicate-id', "duplicate id 'ok' (first seen in split 'train' at line 1)"));
  it('missing text', () => expectReject({ id: 'x', labels: [] }, 'missing-text', "missing 'text'"));
  it('text that is not a string', () => expectReject({ id: 'x', text: 3, labels: [] }, 'missing-text', "'text' must be a string, got 3"));
  it('empty text', () => expectReject({ id: 'x', text: ' \n ', labels: [] }, 'empty-text', "empty 'text'"));
  it('unknown label, with a did-you-mean', () => expectReject({ id: 'x', text: 't', labels: ['bb'] }, 'unknown-label', "unknown label 'bb' for task 'tags' (field 'labels') (did you mean 'b'?)"));
  it('a label listed twice', () => expectReject({ id: 'x', text: 't', labels: ['a', 'a'] }, 'duplicate-label', "label 'a' appears twice"));
  it('a missing task field', () => expectReject({ id: 'x', text: 't' }, 'missing-label', "missing field 'labels' of task 'tags'"));
  it('a multi-label field that is not an array', () => expectReject({ id: 'x', text: 't', labels: 'a' }, 'bad-field', 'must be an array of label strings'));
  it('an unknown domain', () => expectReject({ id: 'x', text: 't', labels: [], domain: 'mars' }, 'bad-domain', "unknown domain 'mars'"));
  it('a domain that contradicts the split', () => expectReject({ id: 'x', text: 't', labels: [], domain: 'tgt' }, 'bad-domain', "domain 'tgt' in a split of domain 'src'"));

  it('a domain-defining field outside its domain', () => {
    const card = baseCard({
      splits: { train: { file: 'train.jsonl', domain: 'src' } },
      domains: { src: { field: 'section', values: ['admin'] }, tgt: { field: 'section', values: ['x11'] } },
      metadata: { section: { definesDomain: true } },
    });
    const dir = writeDataset(card, { 'train.jsonl': jsonl({ ...GOOD, section: 'admin' }, { id: 'x', text: 't', labels: [], section: 'x11' }) });
    expect(() => loadDatasetSync(dir)).toThrow(`train.jsonl:2: split 'train': section "x11" is not one of domain 'src': admin (row 'x')`);
  });

  it('multi-class: unknown and non-string labels', () => {
    const card = baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } }, tasks: [{ name: 'topic', type: 'multi-class', field: 'label', labels: ['x', 'y'] }] });
    const good = { id: 'ok', text: 'fine', label: 'x' };
    let dir = writeDataset(card, { 'train.jsonl': jsonl(good, { id: 'b', text: 't', label: 'z' }) });
    expect(() => loadDatasetSync(dir)).toThrow("train.jsonl:2: split 'train': unknown label 'z' for task 'topic'");
    dir = writeDataset(card, { 'train.jsonl': jsonl(good, { id: 'b', text: 't', label: ['x'] }) });
    expect(() => loadDatasetSync(dir)).toThrow('must be one label string');
  });

  it('token tagging: tags and tokens of different lengths, unknown tag, missing tokens', () => {
    const card = baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } }, tasks: [{ name: 'slots', type: 'token-tagging', field: 'tags', labels: ['O', 'B-x', 'I-x'] }] });
    const good = { id: 'ok', text: 'a b', tokens: ['a', 'b'], tags: ['B-x', 'I-x'] };
    const cases: [unknown, string][] = [
      [{ id: 'b', text: 'a b', tokens: ['a', 'b'], tags: ['O'] }, '2 tokens but 1 tags'],
      [{ id: 'b', text: 'a b', tokens: ['a', 'b'], tags: ['O', 'B-y'] }, "unknown label 'B-y'"],
      [{ id: 'b', text: 'a b', tags: ['O', 'O'] }, "needs a 'tokens' array"],
      [{ id: 'b', text: 'a b', tokens: ['a', ''], tags: ['O', 'O'] }, "'tokens' must be an array of non-empty strings"],
    ];
    for (const [bad, reason] of cases) {
      const dir = writeDataset(card, { 'train.jsonl': jsonl(good, bad) });
      expect(() => loadDatasetSync(dir)).toThrow(reason);
    }
  });

  it('duplicate ids across splits are a leak and rejected', () => {
    const dir = writeDataset(baseCard(), { 'train.jsonl': jsonl(GOOD), 'test.jsonl': jsonl({ id: 'ok', text: 'fine', labels: [] }) });
    expect(() => loadDatasetSync(dir)).toThrow(`test.jsonl:1: split 'test': duplicate id 'ok' (first seen in split 'train' at ${dir}/train.jsonl:1)`);
  });

  it('invalid UTF-8 is an error naming the file and line', () => {
    const dir = writeDataset(baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } } }), {});
    writeFileSync(`${dir}/train.jsonl`, Buffer.concat([Buffer.from(jsonl(GOOD)), Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]));
    expect(() => loadDatasetSync(dir)).toThrow(`${dir}/train.jsonl:2: file is not valid UTF-8`);
  });

  it('NFC-normalises texts, ids and labels; keeps undeclared fields but counts them', () => {
    const card = baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } }, tasks: [{ name: 'tags', type: 'multi-label', field: 'labels', labels: ['caf\u00e9'] }] });
    const dir = writeDataset(card, { 'train.jsonl': jsonl({ id: 'x', text: 'cafe\u0301 au lait', labels: ['cafe\u0301'], extra: 1 }) });
    const ds = loadDatasetSync(dir);
    const row = ds.splits['train']?.rows[0];
    expect(row?.text).toBe('caf\u00e9 au lait');
    expect(row?.['labels']).toEqual(['caf\u00e9']);
    expect(row?.['extra']).toBe(1);
    expect(ds.validation.undeclaredFields).toEqual({ extra: 1 });
  });

  it('lenient mode collects every reject and goes on; blank lines are not rows', () => {
    const dir = writeDataset(baseCard({ splits: { train: { file: 'train.jsonl', domain: 'src' } } }), {
      'train.jsonl': jsonl(GOOD, '', '{bad', { id: 'y', text: '', labels: [] }, { id: 'z', text: 'ok', labels: ['a'] }),
    });
    const ds = loadDatasetSync(dir, { lenient: true });
    expect(ds.validation).toMatchObject({ rowsRead: 4, rowsKept: 2, rowsRejected: 2, reasons: { 'bad-json': 1, 'empty-text': 1 } });
    expect(ds.validation.rejects.map((r) => r.line)).toEqual([3, 4]);
  });
});
