import { WorkbenchError, didYouMeanSuffix, isPlainObject } from '@workbench/core';
import { parseCsv } from '../csv-parser.ts';
import { readTextFile, type TextEncoding } from '../text-file.ts';
import { resolveAdapterOptions } from './adapter-options.ts';
import type { AdapterContext, AdapterSplit, DatasetAdapter, RawRecord } from './dataset-adapter.ts';
import { jsonlRecords } from './jsonl-adapter.ts';

/** A user's own CSV, TSV or JSONL file, mapped onto canonical rows by column names given in the card. */
export interface TableOptions {
  format: 'csv' | 'tsv' | 'jsonl';
  encoding: TextEncoding;
  /** The id column; null: the column 'id' when there is one, else ids are `<split>:<record number>`. */
  id: string | null;
  /** The text column, or several joined by a line break (e.g. title and body). Default 'text'. */
  text: string | string[] | null;
  /** The domain column; null: the split's `domain` (or the card's only domain). */
  domain: string | null;
  /** Row field -> source column for task, token and metadata fields whose column has another name. */
  columns: Record<string, string> | null;
  /** Separator of the labels of a multi-label cell given as one string (CSV, or a JSONL string). */
  labelSeparator: string;
  /** Separator of tokens and tags given as one string. */
  tokenSeparator: string;
}

export const DEFAULT_TABLE_OPTIONS: Required<TableOptions> = {
  format: 'csv',
  encoding: 'utf-8',
  id: null,
  text: null,
  domain: null,
  columns: null,
  labelSeparator: ';',
  tokenSeparator: ' ',
};

interface Mapping {
  id: string | null;
  text: string[];
  domain: string | null;
  /** [row field, source column, kind] */
  fields: [string, string, 'labels' | 'tokens' | 'value'][];
}

function mapping(options: Required<TableOptions>, ctx: AdapterContext): Mapping {
  const where = (p: string) => ({ file: ctx.cardFile, path: `options.${p}` });
  const text = options.text === null ? ['text'] : Array.isArray(options.text) ? options.text : [options.text];
  if (text.length === 0 || text.some((t) => typeof t !== 'string' || t === '')) throw new WorkbenchError('CONFIG_TYPE', 'expected a column name or a non-empty list of column names', { where: where('text') });
  const columns = options.columns ?? {};
  if (!isPlainObject(columns) || Object.values(columns).some((v) => typeof v !== 'string')) throw new WorkbenchError('CONFIG_TYPE', 'expected an object of field: column names', { where: where('columns') });
  const known = [...ctx.card.tasks.map((t) => t.field), ...Object.keys(ctx.card.metadata), 'tokens'];
  for (const f of Object.keys(columns)) {
    if (!known.includes(f)) throw new WorkbenchError('CONFIG_UNKNOWN_KEY', `'${f}' is not a task, token or metadata field of the card${didYouMeanSuffix(f, known)}`, { where: where(`columns.${f}`) });
  }
  const col = (f: string): string => columns[f] ?? f;
  const fields: Mapping['fields'] = [];
  const tagging = ctx.card.tasks.some((t) => t.type === 'token-tagging');
  if (tagging) fields.push(['tokens', col('tokens'), 'tokens']);
  for (const t of ctx.card.tasks) fields.push([t.field, col(t.field), t.type === 'multi-label' ? 'labels' : t.type === 'token-tagging' ? 'tokens' : 'value']);
  for (const m of Object.keys(ctx.card.metadata)) fields.push([m, col(m), 'value']);
  return { id: options.id, text, domain: options.domain, fields };
}

function splitList(v: unknown, sep: string): unknown {
  if (typeof v !== 'string') return v;
  return v.trim() === '' ? [] : v.split(sep).map((s) => s.trim()).filter((s) => s !== '');
}

function toRow(get: (column: string) => unknown, m: Mapping, options: Required<TableOptions>, fallbackId: string, split: AdapterSplit): Record<string, unknown> {
  const row: Record<string, unknown> = { id: m.id === null ? (get('id') ?? fallbackId) : get(m.id) };
  const parts = m.text.map(get);
  row['text'] = parts.every((p) => typeof p === 'string') ? parts.join('\n') : parts.find((p) => typeof p !== 'string');
  if (m.domain !== null) row['domain'] = get(m.domain);
  else if (split.spec.domain !== undefined) row['domain'] = split.spec.domain;
  for (const [field, column, kind] of m.fields) {
    const v = get(column);
    if (v === undefined) continue;
    row[field] = kind === 'labels' ? splitList(v, options.labelSeparator) : kind === 'tokens' ? splitList(v, options.tokenSeparator) : v;
  }
  return row;
}

function* csvRows(split: AdapterSplit, text: string, m: Mapping, options: Required<TableOptions>, cardFile: string): Generator<RawRecord> {
  const file = split.path;
  const records = parseCsv(text, { delimiter: options.format === 'tsv' ? '\t' : ',' });
  const first = records.next();
  if (first.done) return;
  const header = first.value.fields.map((h) => h.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  const needed: [string, string][] = [...(m.id !== null ? [['id', m.id]] : []), ...m.text.map((t) => ['text', t]), ...(m.domain !== null ? [['domain', m.domain]] : [])] as [string, string][];
  for (const [what, column] of needed) {
    if (!index.has(column)) {
      throw new WorkbenchError('DATASET_INVALID', `${what} column '${column}' is not in the header${didYouMeanSuffix(column, header)}; columns: ${header.join(', ')}`, {
        where: { file, line: first.value.line },
        hint: `map it in ${cardFile} under options`,
      });
    }
  }
  let n = 0;
  for (const rec of records) {
    n++;
    if (rec.error !== undefined) {
      yield { kind: 'reject', file, line: rec.line, code: 'bad-csv', reason: `malformed CSV record: ${rec.error}` };
      continue;
    }
    if (rec.fields.length !== header.length) {
      yield { kind: 'reject', file, line: rec.line, code: 'column-count', reason: `expected ${header.length} columns (as the header), got ${rec.fields.length}` };
      continue;
    }
    const get = (c: string): unknown => {
      const i = index.get(c);
      return i === undefined ? undefined : rec.fields[i];
    };
    yield { kind: 'row', file, line: rec.line, row: toRow(get, m, options, `${split.name}:${n}`, split) };
  }
}

function* jsonRows(split: AdapterSplit, text: string, m: Mapping, options: Required<TableOptions>): Generator<RawRecord> {
  let n = 0;
  for (const rec of jsonlRecords(split.path, text)) {
    if (rec.kind !== 'row') {
      yield rec;
      continue;
    }
    n++;
    yield { ...rec, row: toRow((c) => rec.row[c], m, options, `${split.name}:${n}`, split) };
  }
}

export const tableAdapter: DatasetAdapter = {
  name: 'table',
  description: 'your own CSV, TSV or JSONL file with a column mapping (id, text, domain, task and metadata columns)',
  read(split, ctx) {
    const options = resolveAdapterOptions<TableOptions>(DEFAULT_TABLE_OPTIONS, split, ctx);
    if (!['csv', 'tsv', 'jsonl'].includes(options.format)) {
      throw new WorkbenchError('CONFIG_TYPE', `unknown table format '${options.format}'${didYouMeanSuffix(options.format, ['csv', 'tsv', 'jsonl'])}; valid: csv, tsv, jsonl`, { where: { file: ctx.cardFile, path: 'options.format' } });
    }
    const m = mapping(options, ctx);
    const text = readTextFile(split.path, options.encoding);
    return { files: [split.path], records: options.format === 'jsonl' ? jsonRows(split, text, m, options) : csvRows(split, text, m, options, ctx.cardFile) };
  },
};
