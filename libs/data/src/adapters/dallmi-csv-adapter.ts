import { WorkbenchError, didYouMeanSuffix, type TaskSpec } from '@workbench/core';
import { parseCsv, type CsvRecord } from '../csv-parser.ts';
import { readTextFile, type TextEncoding } from '../text-file.ts';
import { resolveAdapterOptions } from './adapter-options.ts';
import type { AdapterContext, AdapterSplit, DatasetAdapter, RawRecord } from './dataset-adapter.ts';

/**
 * The CSVs of the DALLMi reference code (read there with `pd.read_csv(path, header=0, index_col=0)`): an
 * unnamed index column, then metadata columns, then a block of 0/1 label columns running to the last column.
 */
export interface DallmiCsvOptions {
  /** The column holding the text (`abstractText`, `overview`, `summaries`). */
  textColumn: string;
  /** 0-based position of the first label column, NOT counting the index column (the reference's `columns[k:]`). */
  firstLabelColumn: number;
  /** The multi-label field the label block fills (a task of the card). */
  labelField: string;
  encoding: TextEncoding;
}

export const DEFAULT_DALLMI_CSV_OPTIONS: Required<DallmiCsvOptions> = { textColumn: 'text', firstLabelColumn: 1, labelField: 'labels', encoding: 'utf-8' };

interface Layout {
  options: Required<DallmiCsvOptions>;
  header: CsvRecord;
  /** Column names after the index column. */
  columns: string[];
  labelColumns: string[];
  textIndex: number;
  records: Generator<CsvRecord>;
}

function openCsv(split: AdapterSplit, ctx: AdapterContext): Layout {
  const options = resolveAdapterOptions<DallmiCsvOptions>(DEFAULT_DALLMI_CSV_OPTIONS, split, ctx);
  const records = parseCsv(readTextFile(split.path, options.encoding));
  const first = records.next();
  const fileError = (line: number, message: string): WorkbenchError => new WorkbenchError('DATASET_INVALID', message, { where: { file: split.path, line } });
  if (first.done) throw fileError(1, 'empty CSV: expected a header row');
  const header = first.value;
  if (header.error !== undefined) throw fileError(header.line, `malformed header: ${header.error}`);
  const columns = header.fields.slice(1).map((c) => c.trim());
  const k = options.firstLabelColumn;
  if (!Number.isInteger(k) || k < 0 || k >= columns.length) {
    throw new WorkbenchError('DATASET_INVALID', `firstLabelColumn ${k} is outside the ${columns.length} columns after the index column of ${split.path}`, {
      where: { file: ctx.cardFile, path: 'options.firstLabelColumn' },
    });
  }
  const textIndex = columns.indexOf(options.textColumn);
  if (textIndex < 0 || textIndex >= k) {
    throw new WorkbenchError(
      'DATASET_INVALID',
      textIndex < 0
        ? `text column '${options.textColumn}' is not in the header of ${split.path}${didYouMeanSuffix(options.textColumn, columns)}; columns: ${columns.join(', ')}`
        : `text column '${options.textColumn}' lies inside the label block (from position ${k}) of ${split.path}`,
      { where: { file: ctx.cardFile, path: 'options.textColumn' } },
    );
  }
  return { options, header, columns, labelColumns: columns.slice(k), textIndex, records };
}

function labelTask(ctx: AdapterContext, field: string): TaskSpec {
  const task = ctx.card.tasks.find((t) => t.field === field);
  if (task === undefined || task.type !== 'multi-label') {
    throw new WorkbenchError('DATASET_INVALID', `the label block fills field '${field}', which needs a multi-label task of that field in the card`, {
      where: { file: ctx.cardFile, path: 'options.labelField' },
    });
  }
  return task;
}

const ZERO_ONE: Record<string, boolean> = { '0': false, '1': true, '0.0': false, '1.0': true };

function* records(split: AdapterSplit, ctx: AdapterContext, layout: Layout): Generator<RawRecord> {
  const { options, columns, labelColumns, textIndex } = layout;
  const file = split.path;
  const width = columns.length + 1;
  const k = options.firstLabelColumn;
  // Declared metadata columns travel with the row; the others (e.g. precomputed features) are not read.
  const keep = columns.map((c, i) => [c, i] as const).filter(([c, i]) => i < k && i !== textIndex && c in ctx.card.metadata);
  for (const rec of layout.records) {
    const { line, fields } = rec;
    if (rec.error !== undefined) {
      yield { kind: 'reject', file, line, code: 'bad-csv', reason: `malformed CSV record: ${rec.error}` };
      continue;
    }
    if (fields.length !== width) {
      yield { kind: 'reject', file, line, code: 'column-count', reason: `expected ${width} columns (as the header), got ${fields.length}` };
      continue;
    }
    const index = (fields[0] as string).trim();
    if (index === '') {
      yield { kind: 'reject', file, line, code: 'missing-id', reason: 'empty index cell (first column)' };
      continue;
    }
    const id = `${split.name}:${index}`;
    const labels: string[] = [];
    let bad: string | undefined;
    for (let j = 0; j < labelColumns.length; j++) {
      const cell = (fields[1 + k + j] as string).trim();
      const v = ZERO_ONE[cell];
      if (v === undefined) {
        bad = `label column '${labelColumns[j]}' (column ${2 + k + j}) holds ${JSON.stringify(cell)}, not 0 or 1`;
        break;
      }
      if (v) labels.push(labelColumns[j] as string);
    }
    if (bad !== undefined) {
      yield { kind: 'reject', file, line, id, code: 'bad-label-cell', reason: bad };
      continue;
    }
    const row: Record<string, unknown> = { id, text: fields[1 + textIndex], [options.labelField]: labels };
    for (const [c, i] of keep) row[c] = fields[1 + i];
    if (split.spec.domain !== undefined) row['domain'] = split.spec.domain;
    yield { kind: 'row', file, line, row };
  }
}

export const dallmiCsvAdapter: DatasetAdapter = {
  name: 'dallmi-csv',
  description: 'DALLMi reference CSVs: unnamed index column, metadata columns, then a block of 0/1 label columns',
  read(split, ctx) {
    const layout = openCsv(split, ctx);
    const task = labelTask(ctx, layout.options.labelField);
    const same = task.labels.length === layout.labelColumns.length && task.labels.every((l, i) => l === layout.labelColumns[i]);
    if (!same) {
      throw new WorkbenchError('DATASET_INVALID', `the label columns of the header (${layout.labelColumns.join(', ')}) differ from the labels of task '${task.name}' (${task.labels.join(', ')})`, {
        where: { file: split.path, line: layout.header.line },
        hint: 'check firstLabelColumn in the card, or that source and target files have the same label columns',
      });
    }
    return { files: [split.path], records: records(split, ctx, layout) };
  },
  labelsFromData(split, ctx) {
    return openCsv(split, ctx).labelColumns;
  },
};
