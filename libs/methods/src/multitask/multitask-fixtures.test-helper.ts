import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetRow, TaskSpec } from '@workbench/core';
import { bioTags, parseSlotAnnotation, type LoadedDataset } from '@workbench/data';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MASSIVE_MINI = join(HERE, '../../test/fixtures/massive-mini.jsonl');

/** Canonical rows from the MASSIVE-format fixture: words and BIO slot tags parsed from annot_utt, a multi-label `topics`. */
export function massiveRows(): { train: DatasetRow[]; test: DatasetRow[] } {
  const rows = readFileSync(MASSIVE_MINI, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  const out: { train: DatasetRow[]; test: DatasetRow[] } = { train: [], test: [] };
  for (const r of rows) {
    const a = parseSlotAnnotation(r['annot_utt'] as string);
    const topics = [r['scenario'] as string, ...(a.tags.some((t) => t.endsWith('date')) ? ['dated'] : [])];
    (r['partition'] === 'test' ? out.test : out.train).push({ id: r['id'] as string, text: a.plain, domain: 'en-US', tokens: a.tokens, intent: r['intent'], slots: a.tags, topics });
  }
  return out;
}

export const MASSIVE_TASKS: TaskSpec[] = [
  { name: 'intent', type: 'multi-class', field: 'intent', labels: ['alarm_set', 'audio_volume_mute', 'weather_query'] },
  { name: 'slots', type: 'token-tagging', field: 'slots', labels: bioTags(['date', 'place_name', 'time']) },
  { name: 'topics', type: 'multi-label', field: 'topics', labels: ['alarm', 'audio', 'dated', 'weather'] },
];

/** An in-memory dataset (what loadDataset returns) over given splits and tasks. */
export function fakeDataset(splits: Record<string, DatasetRow[]>, tasks: TaskSpec[] = MASSIVE_TASKS, name = 'massive-mini'): LoadedDataset {
  return {
    name,
    card: { name, description: 'MASSIVE-format fixture', license: 'CC BY 4.0 (format of MASSIVE; invented utterances)', provenance: { source: 'libs/methods/test/fixtures/massive-mini.jsonl' }, format: 'jsonl', splits: Object.fromEntries(Object.keys(splits).map((s) => [s, { file: `${s}.jsonl` }])), domains: { 'en-US': { description: 'US English' } }, tasks } as never,
    cardFile: `${name}/dataset.json`,
    dir: name,
    splits: Object.fromEntries(Object.entries(splits).map(([s, rows]) => [s, { name: s, rows }])),
    splitNames: Object.keys(splits),
    tasks,
    domains: { 'en-US': { description: 'US English' } } as never,
    metadataFields: [],
    nonInputFields: ['domain'],
    digest: 'fixture',
    files: [],
    validation: {} as never,
  };
}
