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
  /** Checks the options and returns the resolved ones, naming the card file and JSON path on error. */
  read(split: AdapterSplit, ctx: AdapterContext): AdapterRead;
}
