import { WorkbenchError } from '@workbench/core';

/** Why a row was rejected: one stable code per validation rule (for counts and tests), plus a message. */
export type RejectCode =
  | 'bad-json'
  | 'bad-csv'
  | 'not-an-object'
  | 'missing-id'
  | 'duplicate-id'
  | 'missing-text'
  | 'empty-text'
  | 'bad-domain'
  | 'missing-label'
  | 'unknown-label'
  | 'duplicate-label'
  | 'bad-label-cell'
  | 'column-count'
  | 'length-mismatch'
  | 'bad-annotation'
  | 'bad-field';

export interface RejectedRow {
  split: string;
  file: string;
  /** 1-based line where the record starts. */
  line: number;
  id?: string;
  code: RejectCode;
  reason: string;
}

export interface SplitCounts {
  /** Records read from the files (after `limit`). */
  read: number;
  kept: number;
  rejected: number;
  /** Records left out on purpose by a declared filter of the card (locale, partition, empty after cleaning). */
  filtered: number;
}

/** What a load did to every record: nothing is dropped without being counted here. */
export interface ValidationReport {
  lenient: boolean;
  rowsRead: number;
  rowsKept: number;
  rowsRejected: number;
  rowsFiltered: number;
  splits: Record<string, SplitCounts>;
  /** Rejections per code. */
  reasons: Partial<Record<RejectCode, number>>;
  /** Filtered records per declared reason. */
  filters: Record<string, number>;
  /** Row fields that are neither reserved, task nor declared metadata fields (kept, but worth a look). */
  undeclaredFields: Record<string, number>;
  /** Every rejected row (lenient mode; strict mode throws at the first). */
  rejects: RejectedRow[];
}

/**
 * Collects the outcome of every record. Strict: the first reject is a DATASET_INVALID error naming the file,
 * line and reason. Lenient: rejects are recorded and loading goes on.
 */
export class ValidationCollector {
  private readonly report: ValidationReport;

  constructor(lenient: boolean) {
    this.report = { lenient, rowsRead: 0, rowsKept: 0, rowsRejected: 0, rowsFiltered: 0, splits: {}, reasons: {}, filters: {}, undeclaredFields: {}, rejects: [] };
  }

  private counts(split: string): SplitCounts {
    return (this.report.splits[split] ??= { read: 0, kept: 0, rejected: 0, filtered: 0 });
  }

  startSplit(split: string): void {
    this.counts(split);
  }

  read(split: string): void {
    this.counts(split).read++;
    this.report.rowsRead++;
  }

  keep(split: string): void {
    this.counts(split).kept++;
    this.report.rowsKept++;
  }

  filter(split: string, reason: string): void {
    this.counts(split).filtered++;
    this.report.rowsFiltered++;
    this.report.filters[reason] = (this.report.filters[reason] ?? 0) + 1;
  }

  undeclared(field: string): void {
    this.report.undeclaredFields[field] = (this.report.undeclaredFields[field] ?? 0) + 1;
  }

  reject(row: RejectedRow): void {
    if (!this.report.lenient) {
      throw new WorkbenchError('DATASET_INVALID', `${row.reason}${row.id !== undefined ? ` (row '${row.id}')` : ''}`, {
        where: { file: row.file, line: row.line, source: `split '${row.split}'` },
        hint: 'fix the row, or load with --lenient (lenient: true) to skip rejected rows and write them to a report',
        details: { code: row.code, split: row.split },
      });
    }
    this.counts(row.split).rejected++;
    this.report.rowsRejected++;
    this.report.reasons[row.code] = (this.report.reasons[row.code] ?? 0) + 1;
    this.report.rejects.push(row);
  }

  result(): ValidationReport {
    return this.report;
  }
}

/** Rejects as JSONL (one object per line), the file `--lenient` writes. */
export function rejectsToJsonl(report: ValidationReport): string {
  return report.rejects.map((r) => JSON.stringify(r)).join('\n') + (report.rejects.length ? '\n' : '');
}
