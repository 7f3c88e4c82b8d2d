import { WorkbenchError } from '@workbench/core';
import { parseSlotAnnotation } from '../massive-annotation.ts';
import { readTextFile } from '../text-file.ts';
import { resolveAdapterOptions } from './adapter-options.ts';
import type { DatasetAdapter, RawRecord } from './dataset-adapter.ts';
import { jsonlRecords } from './jsonl-adapter.ts';

/**
 * MASSIVE JSONL (`id, locale, partition, scenario, intent, utt, annot_utt`): the utterance is the text, the
 * intent a multi-class label, and `annot_utt` gives word tokens with BIO slot tags. The rows of other locales
 * and partitions are left out by a declared filter and counted.
 */
export interface MassiveOptions {
  /** Locales kept (e.g. ['en-US']); empty: all. */
  locales: string[];
  /** The partition of this split ('train', 'dev', 'test'); null: all rows of the file. */
  partition: string | null;
  intentField: string;
  slotField: string;
  scenarioField: string;
  /** Use the locale as the row's domain (cross-lingual experiments); else the split's domain. */
  localeIsDomain: boolean;
}

export const DEFAULT_MASSIVE_OPTIONS: Required<MassiveOptions> = {
  locales: [],
  partition: null,
  intentField: 'intent',
  slotField: 'slots',
  scenarioField: 'scenario',
  localeIsDomain: false,
};

export const massiveAdapter: DatasetAdapter = {
  name: 'massive',
  description: 'Amazon MASSIVE JSONL: intent + word-level BIO slot tags parsed from annot_utt, locale and partition filters',
  read(split, ctx) {
    const o = resolveAdapterOptions<MassiveOptions>(DEFAULT_MASSIVE_OPTIONS, split, ctx);
    if (o.partition !== null && typeof o.partition !== 'string') {
      throw new WorkbenchError('CONFIG_TYPE', `expected a partition name or null, got ${JSON.stringify(o.partition)}`, { where: { file: ctx.cardFile, path: `splits.${split.name}.options.partition` } });
    }
    const text = readTextFile(split.path);
    const records = function* (): Generator<RawRecord> {
      for (const rec of jsonlRecords(split.path, text)) {
        if (rec.kind !== 'row') {
          yield rec;
          continue;
        }
        const { file, line } = rec;
        const r = rec.row;
        const locale = r['locale'];
        if (o.locales.length > 0 && !o.locales.includes(locale as string)) {
          yield { kind: 'filtered', file, line, reason: `locale not in ${o.locales.join(', ')}` };
          continue;
        }
        if (o.partition !== null && r['partition'] !== o.partition) {
          yield { kind: 'filtered', file, line, reason: `partition is not '${o.partition}'` };
          continue;
        }
        const id = r['id'] === undefined ? undefined : `${String(locale)}:${String(r['id'])}`;
        const annot = r['annot_utt'];
        if (typeof annot !== 'string') {
          yield { kind: 'reject', file, line, code: 'bad-annotation', reason: "missing 'annot_utt'", ...(id !== undefined ? { id } : {}) };
          continue;
        }
        let parsed;
        try {
          parsed = parseSlotAnnotation(annot.normalize('NFC'));
        } catch (e) {
          yield { kind: 'reject', file, line, code: 'bad-annotation', reason: `bad annot_utt: ${(e as Error).message}`, ...(id !== undefined ? { id } : {}) };
          continue;
        }
        const utt = typeof r['utt'] === 'string' ? r['utt'].normalize('NFC') : r['utt'];
        if (typeof utt === 'string' && utt.trim().split(/\s+/).join(' ') !== parsed.plain) {
          yield { kind: 'reject', file, line, code: 'bad-annotation', reason: `annot_utt without markup (${JSON.stringify(parsed.plain)}) differs from utt (${JSON.stringify(utt)})`, ...(id !== undefined ? { id } : {}) };
          continue;
        }
        const row: Record<string, unknown> = {
          id,
          text: utt,
          tokens: parsed.tokens,
          [o.intentField]: r['intent'],
          [o.slotField]: parsed.tags,
          [o.scenarioField]: r['scenario'],
          locale,
          partition: r['partition'],
        };
        if (o.localeIsDomain) row['domain'] = locale;
        else if (split.spec.domain !== undefined) row['domain'] = split.spec.domain;
        yield { kind: 'row', file, line, row };
      }
    };
    return { files: [split.path], records: records() };
  },
};
