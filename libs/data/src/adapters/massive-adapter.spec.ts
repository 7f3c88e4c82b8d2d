import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseCard, jsonl, writeDataset } from '../../test/tmp-dataset.ts';
import { loadDatasetSync } from '../load-dataset.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../../..');
const FIXTURES = path.resolve(HERE, '../../test/fixtures/massive');

describe('massive adapter and the massive-en-us card', () => {
  const ds = loadDatasetSync('massive-en-us', { cwd: REPO, env: { MASSIVE_DATA: FIXTURES } });

  it('splits by partition, intent + BIO slots + tokens, scenario/locale as metadata', () => {
    expect(ds.splits['train']?.rows.map((r) => r.id)).toEqual(['en-US:2', 'en-US:3', 'en-US:5']);
    expect(ds.splits['dev']?.rows[0]).toEqual({
      id: 'en-US:4',
      text: "remind me about mom's birthday on monday",
      tokens: ['remind', 'me', 'about', "mom's", 'birthday', 'on', 'monday'],
      intent: 'calendar_set',
      slots: ['O', 'O', 'O', 'B-relation', 'B-event_name', 'O', 'B-date'],
      scenario: 'calendar',
      locale: 'en-US',
      partition: 'dev',
      domain: 'en-US',
    });
    expect(ds.splits['train']?.rows[2]?.['slots']).toEqual(['O', 'O', 'O', 'O', 'B-place_name', 'I-place_name', 'I-place_name']);
    expect(ds.splits['test']?.rows).toHaveLength(1);
    expect(ds.tasks.map((t) => t.labels.length)).toEqual([60, 111]);
    expect(ds.metadataFields).toEqual(['scenario', 'locale', 'partition']);
    // Each split reads the whole file and counts the other partitions as filtered; the file is hashed once.
    expect(ds.validation.splits['train']).toEqual({ read: 5, kept: 3, rejected: 0, filtered: 2 });
    expect(ds.validation.filters).toEqual({ "partition is not 'train'": 2, "partition is not 'dev'": 4, "partition is not 'test'": 4 });
    expect(ds.files).toHaveLength(1);
  });

  const card = (options: Record<string, unknown>) =>
    baseCard({
      format: 'massive',
      options,
      splits: { all: { file: 'm.jsonl' } },
      domains: { 'en-US': {}, 'de-DE': {} },
      tasks: [
        { name: 'intent', type: 'multi-class', field: 'intent', labels: ['alarm_set', 'audio_volume_mute', 'calendar_set', 'weather_query'] },
        { name: 'slots', type: 'token-tagging', field: 'slots', labels: ['O', 'B-date', 'I-date', 'B-time', 'I-time', 'B-relation', 'B-event_name', 'B-place_name', 'I-place_name'] },
      ],
      metadata: { scenario: {}, locale: {}, partition: {} },
    });

  it('locale filter, and the locale as the domain', () => {
    const fs = { 'm.jsonl': '' };
    const dir = writeDataset(card({ locales: ['de-DE'], localeIsDomain: true }), fs);
    copyFileSync(path.join(FIXTURES, 'mixed-locales.jsonl'), path.join(dir, 'm.jsonl'));
    const de = loadDatasetSync(dir);
    expect(de.splits['all']?.rows.map((r) => [r.id, r.domain, r['slots']])).toEqual([['de-DE:1', 'de-DE', ['O', 'O', 'B-date', 'I-date', 'O', 'B-time', 'I-time', 'I-time', 'O']]]);
    expect(de.validation.filters).toEqual({ 'locale not in de-DE': 5 });
  });

  it('a malformed annotation or one that differs from utt is rejected with its line', () => {
    const good = { id: '1', locale: 'en-US', partition: 'train', scenario: 'alarm', intent: 'alarm_set', utt: 'at five', annot_utt: 'at [time : five]' };
    const dir = writeDataset(card({ localeIsDomain: true }), {
      'm.jsonl': jsonl(good, { ...good, id: '2', annot_utt: 'at [time : five' }, { ...good, id: '3', annot_utt: 'at [time : six]' }),
    });
    expect(() => loadDatasetSync(dir)).toThrow(`m.jsonl:2: split 'all': bad annot_utt: unclosed '[' at character 4 (row 'en-US:2')`);
    const ds = loadDatasetSync(dir, { lenient: true });
    expect(ds.validation.rejects.map((r) => [r.line, r.code, r.reason])).toEqual([
      [2, 'bad-annotation', "bad annot_utt: unclosed '[' at character 4"],
      [3, 'bad-annotation', 'annot_utt without markup ("at six") differs from utt ("at five")'],
    ]);
  });
});
