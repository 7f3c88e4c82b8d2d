import { WorkbenchError } from '@workbench/core';

/** A run's logged target-test predictions (`predictions/target_test.jsonl`). */
export interface Predictions {
  labels: string[];
  ids: string[];
  /** Row-major scores and 0/1 truth, one row per id. */
  scores: Float64Array[];
  truth: Uint8Array[];
  index: Map<string, number>;
}

/** Parses the JSONL the runner writes: a header `{"labels": [...]}`, then `{"id", "scores", "true"}` per row. */
export function parsePredictions(text: string, source: string): Predictions {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const fail = (line: number, why: string): never => {
    throw new WorkbenchError('IO', `malformed predictions: ${why}`, { where: { file: source, line } });
  };
  if (lines.length === 0) fail(1, 'empty file');
  const header = JSON.parse(lines[0]) as { labels?: unknown };
  if (!Array.isArray(header.labels)) fail(1, 'the first line must be {"labels": [...]}');
  const labels = (header.labels as unknown[]).map(String);
  const ids: string[] = [];
  const scores: Float64Array[] = [];
  const truth: Uint8Array[] = [];
  const index = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const row = JSON.parse(lines[i]) as { id?: unknown; scores?: unknown; true?: unknown };
    if (!Array.isArray(row.scores) || !Array.isArray(row.true) || row.scores.length !== labels.length || row.true.length !== labels.length) {
      fail(i + 1, `a row needs "scores" and "true" arrays of ${labels.length} values`);
    }
    const id = String(row.id ?? i - 1);
    index.set(id, ids.length);
    ids.push(id);
    scores.push(Float64Array.from(row.scores as number[]));
    truth.push(Uint8Array.from(row.true as number[]));
  }
  return { labels, ids, scores, truth, index };
}

/** The ids present in every prediction set, in the order of the first (bootstraps resample these shared rows). */
export function sharedRowIds(sets: readonly Predictions[]): string[] {
  if (sets.length === 0) return [];
  return sets[0].ids.filter((id) => sets.every((p) => p.index.has(id)));
}

/** Truth and score rows of `p` in the order of `ids`. */
export function alignRows(p: Predictions, ids: readonly string[]): { truth: Uint8Array[]; scores: Float64Array[] } {
  const truth: Uint8Array[] = [];
  const scores: Float64Array[] = [];
  for (const id of ids) {
    const i = p.index.get(id) as number;
    truth.push(p.truth[i]);
    scores.push(p.scores[i]);
  }
  return { truth, scores };
}
