/** The canonical dataset types shared by data loaders, samplers, methods and reports. */

export type TaskType = 'multi-label' | 'multi-class' | 'token-tagging';

/** One task of a dataset card. */
export interface TaskSpec {
  name: string;
  type: TaskType;
  /** The row field holding the target: an array of label strings (multi-label), one string (multi-class),
   *  or an array of BIO tags parallel to `tokens` (token-tagging). */
  field: string;
  /** The label set in a fixed order (output index = position). For token tagging: the BIO tag set. */
  labels: string[];
  description?: string;
}

/** A canonical row: `{id, text, domain, ...task fields, ...metadata}`. */
export interface DatasetRow {
  id: string;
  text: string;
  domain: string;
  /** Word tokens, for token-tagging tasks. */
  tokens?: string[];
  [field: string]: unknown;
}

/** Rows of one split with their provenance. */
export interface DatasetSplit {
  name: string;
  rows: DatasetRow[];
  /** The file the rows came from, for messages. */
  file?: string;
}
