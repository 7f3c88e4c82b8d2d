import type { LabelMatrix } from './label-matrix.ts';
import type { TokenIds } from './token-batch.ts';

/** Token ids of a split, with labels only when the method may see them. */
export interface CorpusPart {
  ids: TokenIds[];
  labels?: LabelMatrix;
}

/**
 * The data a method receives: token ids (never rows: ids, domains and metadata fields cannot reach a model)
 * and the labels its access allows. Target-test labels are never here: evaluation is the runner's job.
 */
export interface CellData {
  labelNames: string[];
  /** Fully labelled source. */
  source: CorpusPart & { labels: LabelMatrix };
  /** Target train minus validation: labels absent ('none'), observed ('observed') or complete ('full'). */
  targetTrain: CorpusPart;
  /** Held-out part of target train, with observed labels, for model selection (absent for 'none'). */
  targetValidation: CorpusPart;
  /** Target test: ids only. */
  targetTest: CorpusPart;
}
