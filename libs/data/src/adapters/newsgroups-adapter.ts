import { readdirSync } from 'node:fs';
import path from 'node:path';
import { WorkbenchError, didYouMeanSuffix } from '@workbench/core';
import { NEWSGROUPS_PARTS, cleanNewsgroupPost, newsgroupCategory, type NewsgroupsPart } from '../newsgroups-cleaning.ts';
import { readTextFile, type TextEncoding } from '../text-file.ts';
import { resolveAdapterOptions } from './adapter-options.ts';
import type { AdapterContext, AdapterSplit, DatasetAdapter, RawRecord } from './dataset-adapter.ts';
import { jsonlRecords } from './jsonl-adapter.ts';

/**
 * 20 Newsgroups, either the "bydate" folders (`20news-bydate-train/<group>/<file>`, as scikit-learn reads
 * them) or JSONL rows `{text, label, label_text}` (the Hugging Face export). Rows get the 20-way group in
 * `labelField` and its top-level prefix (alt, comp, misc, rec, sci, soc, talk) in `categoryField`.
 */
export interface NewsgroupsOptions {
  layout: 'bydate' | 'jsonl';
  /** Parts removed as scikit-learn's `remove=` does: 'headers', 'footers', 'quotes'. */
  remove: string[];
  /** The posts are Latin-1 (what scikit-learn decodes them as); JSONL exports are UTF-8. */
  encoding: TextEncoding | null;
  labelField: string;
  categoryField: string;
  /**
   * A post that is empty after removal: 'filter' leaves it out and counts it in the report (scikit-learn keeps
   * it as an empty document, which a classifier cannot use), 'reject' treats it as an invalid row.
   */
  emptyAfterRemoval: 'filter' | 'reject';
}

export const DEFAULT_NEWSGROUPS_OPTIONS: Required<NewsgroupsOptions> = {
  layout: 'bydate',
  remove: [],
  encoding: null,
  labelField: 'label',
  categoryField: 'category',
  emptyAfterRemoval: 'filter',
};

function checkOptions(split: AdapterSplit, ctx: AdapterContext): Required<NewsgroupsOptions> {
  const o = resolveAdapterOptions<NewsgroupsOptions>(DEFAULT_NEWSGROUPS_OPTIONS, split, ctx);
  const bad = (p: string, msg: string): never => {
    throw new WorkbenchError('CONFIG_TYPE', msg, { where: { file: ctx.cardFile, path: `options.${p}` } });
  };
  if (!['bydate', 'jsonl'].includes(o.layout)) bad('layout', `unknown layout '${o.layout}'${didYouMeanSuffix(o.layout, ['bydate', 'jsonl'])}; valid: bydate, jsonl`);
  o.remove.forEach((r, i) => {
    if (!(NEWSGROUPS_PARTS as readonly string[]).includes(r)) bad(`remove[${i}]`, `unknown part '${r}'${didYouMeanSuffix(String(r), NEWSGROUPS_PARTS)}; valid: ${NEWSGROUPS_PARTS.join(', ')}`);
  });
  if (!['filter', 'reject'].includes(o.emptyAfterRemoval)) bad('emptyAfterRemoval', "expected 'filter' or 'reject'");
  return o;
}

function* postRecords(records: Iterable<{ file: string; line: number; id: string; text: unknown; group: unknown }>, o: Required<NewsgroupsOptions>, split: AdapterSplit): Generator<RawRecord> {
  const remove = o.remove as NewsgroupsPart[];
  for (const r of records) {
    if (typeof r.group !== 'string' || r.group === '') {
      yield { kind: 'reject', file: r.file, line: r.line, id: r.id, code: 'missing-label', reason: 'missing newsgroup name (label_text, or an integer label within the task labels)' };
      continue;
    }
    let text = r.text;
    if (typeof text === 'string' && remove.length > 0) {
      const cleaned = cleanNewsgroupPost(text, remove);
      if (cleaned.trim() === '' && text.trim() !== '') {
        const reason = `empty after removing ${remove.join(', ')}`;
        if (o.emptyAfterRemoval === 'filter') {
          yield { kind: 'filtered', file: r.file, line: r.line, reason };
          continue;
        }
        yield { kind: 'reject', file: r.file, line: r.line, id: r.id, code: 'empty-text', reason };
        continue;
      }
      text = cleaned;
    }
    const row: Record<string, unknown> = { id: r.id, text, [o.labelField]: r.group, [o.categoryField]: newsgroupCategory(r.group) };
    if (split.spec.domain !== undefined) row['domain'] = split.spec.domain;
    yield { kind: 'row', file: r.file, line: r.line, row };
  }
}

/** `<dir>/<group>/<file>` in sorted order (scikit-learn's load_files order). */
function bydateFiles(dir: string): { group: string; file: string }[] {
  const out: { group: string; file: string }[] = [];
  const groups = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (groups.length === 0) throw new WorkbenchError('DATASET_INVALID', 'no newsgroup folders: expected the bydate layout <split folder>/<group>/<post>', { where: { file: dir } });
  for (const group of groups) {
    const files = readdirSync(path.join(dir, group), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    for (const f of files) out.push({ group, file: path.join(dir, group, f) });
  }
  return out;
}

export const newsgroupsAdapter: DatasetAdapter = {
  name: 'newsgroups',
  description: '20 Newsgroups: bydate folders or JSONL {text, label, label_text}; optional header/footer/quote removal',
  read(split, ctx) {
    const o = checkOptions(split, ctx);
    if (o.layout === 'bydate') {
      const posts = bydateFiles(split.path);
      const encoding = o.encoding ?? 'latin1';
      const gen = function* () {
        for (const p of posts) {
          yield { file: p.file, line: 1, id: `${p.group}/${path.basename(p.file)}`, text: readTextFile(p.file, encoding), group: p.group };
        }
      };
      return { files: posts.map((p) => p.file), records: postRecords(gen(), o, split) };
    }
    const text = readTextFile(split.path, o.encoding ?? 'utf-8');
    // Without label_text, an integer label indexes the task's labels (the export's order is the sorted groups).
    const groups = ctx.card.tasks.find((t) => t.field === o.labelField)?.labels ?? [];
    const groupOf = (row: Record<string, unknown>): unknown => row['label_text'] ?? (Number.isInteger(row['label']) ? groups[row['label'] as number] : row['label']);
    const gen = function* (): Generator<RawRecord | { file: string; line: number; id: string; text: unknown; group: unknown }> {
      for (const rec of jsonlRecords(split.path, text)) {
        if (rec.kind !== 'row') yield rec;
        else yield { file: rec.file, line: rec.line, id: typeof rec.row['id'] === 'string' ? rec.row['id'] : `${split.name}:${rec.line}`, text: rec.row['text'], group: groupOf(rec.row) };
      }
    };
    // Rejects of the JSONL parser pass straight through; posts go through cleaning.
    const records = function* (): Generator<RawRecord> {
      for (const r of gen()) {
        if ('kind' in r) yield r;
        else yield* postRecords([r], o, split);
      }
    };
    return { files: [split.path], records: records() };
  },
};
