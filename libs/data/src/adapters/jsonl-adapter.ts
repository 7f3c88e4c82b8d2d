import { isPlainObject } from '@workbench/core';
import { jsonErrorLine } from '../dataset-card.ts';
import { readTextFile, textLines, type TextEncoding } from '../text-file.ts';
import { resolveAdapterOptions } from './adapter-options.ts';
import type { DatasetAdapter, RawRecord } from './dataset-adapter.ts';

export interface JsonlOptions {
  encoding: TextEncoding;
}

export const DEFAULT_JSONL_OPTIONS: Required<JsonlOptions> = { encoding: 'utf-8' };

/** Parses JSON Lines: one record per non-blank line, each an object, with its line number. */
export function* jsonlRecords(file: string, text: string): Generator<RawRecord> {
  for (const { line, text: raw } of textLines(text)) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      const col = jsonErrorLine(raw, e as Error).column;
      yield { kind: 'reject', file, line, code: 'bad-json', reason: `bad JSON${col !== undefined ? ` at column ${col}` : ''}: ${(e as Error).message}` };
      continue;
    }
    if (!isPlainObject(value)) {
      yield { kind: 'reject', file, line, code: 'not-an-object', reason: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
      continue;
    }
    yield { kind: 'row', file, line, row: value };
  }
}

/** The canonical format: rows already are `{id, text, domain, ...task fields, ...metadata}`. */
export const jsonlAdapter: DatasetAdapter = {
  name: 'jsonl',
  description: 'canonical JSON Lines rows {id, text, domain, ...task fields, ...metadata}',
  read(split, ctx) {
    const options = resolveAdapterOptions<JsonlOptions>(DEFAULT_JSONL_OPTIONS, split, ctx);
    return { files: [split.path], records: jsonlRecords(split.path, readTextFile(split.path, options.encoding)) };
  },
};
