import type { TaskSpec } from '@workbench/core';
import type { DatasetCard, CardSplit } from '../dataset-card.ts';
import type { RejectCode } from '../validation-report.ts';

/** One record an adapter read: a row in the canonical shape, a reject, or a record a declared filter left out. */
export type RawRecord =
  | { kind: 'row'; file: string; line: number; row: Record<string, unknown> }
  | { kind: 'reject'; file: string; line: number; code: RejectCode; reason: string; id?: string }
  | { kind: 'filtered'; file: string; line: number; reason: string };

/** A split as an adapter sees it: its card entry and its resolved file or folder. */
export interface AdapterSplit {
  name: string;
  spec: CardSplit;
  /** Absolute path of `spec.file` or `spec.dir`. */
  path: string;
  /** The same path as messages and the digest show it: relative to the card, or `$DATA_ROOT_VAR/...`. */
  shown: string;
}

export interface AdapterContext {
  card: DatasetCard;
  cardFile: string;
}

export interface AdapterRead {
  /** Every file the records come from (for the content digest). */
  files: string[];
  /** Lazy: the loader stops early when the split has a `limit`. */
  records: Iterable<RawRecord>;
}

/**
 * Reads one upstream format into canonical rows. Adapters only parse: the loader validates every row
 * (ids, text, domains, labels) the same way whatever the format.
 */
export interface DatasetAdapter {
  name: string;
  description: string;
  /** Reads a split; option errors name the card file and JSON path, format errors the data file and line. */
  read(split: AdapterSplit, ctx: AdapterContext): AdapterRead;
  /** The label set of a task declared with `labelsFromData: true`, read from a split's files (e.g. a header). */
  labelsFromData?(split: AdapterSplit, ctx: AdapterContext, task: TaskSpec): string[];
}
