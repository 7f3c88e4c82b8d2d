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

/**
 * What the cells run by one process may share: the loaded dataset, the backbone and the token ids of whole
 * splits. A sweep worker passes one to `runCell`, so that it pays for them once instead of once per cell. Keys
 * name everything a value depends on (`runCell` builds them); values are shared between cells, so nothing may
 * mutate them.
 */
export interface CellMemo {
  /** The value under `key`, made (once, even when asked concurrently) if absent. A failed make is not kept. */
  get<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Forgets a key (its value went stale). */
  delete(key: string): void;
}

/**
 * Seconds a cell spent in each phase, exclusive (a phase nested in another is not counted twice): `data.load`,
 * `data.prepare`, `backbone`, `tokenize`, `model.init`, `stage1.train`, `stage1.save`, `stage1.wait` (on another
 * worker's lock), `stage1.load` (its weights into the cell's model), `method.train`, `evaluate` (every evaluation,
 * also inside training), `log` (every logger call), `checkpoint`.
 */
export type CellPhases = Record<string, number>;
