import { WorkbenchError, createRng, resolveConfig, type Defaults } from '@workbench/core';
import type { Encoding } from './tokenizer.ts';

export interface BatchingConfig {
  batchSize?: number;
  /** The tokenizer's pad id (BERT 0, RoBERTa 1). Required. */
  padId?: number | null;
  /** Group rows of similar length so batches carry little padding. */
  bucketByLength?: boolean;
  /** Shuffle rows (and batch order) with `seed`; off for evaluation. */
  shuffle?: boolean;
  seed?: number;
  /** With shuffle + bucketing: rows are sorted by length within windows of batchSize * this many rows. */
  bucketMultiplier?: number;
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
  /** Round every padded length up to a multiple of this (1: no rounding). */
  padToMultipleOf?: number;
}

export const DEFAULT_BATCHING: Defaults<BatchingConfig> = {
  batchSize: 32,
  padId: null,
  bucketByLength: false,
  shuffle: false,
  seed: 0,
  bucketMultiplier: 50,
  dropLast: false,
  padToMultipleOf: 1,
};

/** One padded batch. Row r of the batch is row `indices[r]` of the input. */
export interface Batch {
  indices: number[];
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  /** The padded length: the longest row of this batch (rounded up to padToMultipleOf). */
  length: number;
  /** Real (unpadded) tokens in the batch; realTokens / (rows * length) is its padding efficiency. */
  realTokens: number;
}

interface Row {
  ids: readonly number[];
  types: readonly number[] | undefined;
  length: number;
}

/**
 * Dynamic padding: splits rows (encodings, or token id lists / typed arrays) into batches padded only to each batch's
 * longest row. With `bucketByLength`, rows of similar length share batches: without shuffling, rows are
 * sorted by length (longest first, ties in input order); with shuffling, as Hugging Face's
 * LengthGroupedSampler, rows are shuffled, sorted by length within windows of batchSize * bucketMultiplier,
 * and the batch order is shuffled again. Everything random derives from `seed`. Every batch lists its rows'
 * input indices, so `restoreOrder` puts per-row outputs back in input order.
 *
 * Encodings already padded (attention mask 0 at the end) are cut back to their real length first.
 */
export function makeBatches(rows: readonly (Encoding | ArrayLike<number>)[], config: BatchingConfig): Batch[] {
  const cfg = resolveConfig<BatchingConfig>(DEFAULT_BATCHING, config, { where: { source: 'makeBatches' } });
  const where = (path: string) => ({ source: 'makeBatches', path });
  const posInt = (v: number, path: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new WorkbenchError('CONFIG_TYPE', `${path} must be a positive integer, got ${v}`, { where: where(path) });
  };
  posInt(cfg.batchSize, 'batchSize');
  posInt(cfg.bucketMultiplier, 'bucketMultiplier');
  posInt(cfg.padToMultipleOf, 'padToMultipleOf');
  const padId = cfg.padId;
  if (typeof padId !== 'number' || !Number.isInteger(padId) || padId < 0) {
    throw new WorkbenchError('CONFIG_TYPE', `padId must be the tokenizer's pad id (a non-negative integer), got ${JSON.stringify(padId)}`, {
      where: where('padId'),
      hint: 'pass tokenizer.padId',
    });
  }

  const data: Row[] = rows.map((r, i) => toRow(r, i));
  const rng = createRng(cfg.seed);
  let order = cfg.shuffle ? rng.derive('rows').permutation(data.length) : data.map((_, i) => i);
  const byLength = (a: number, b: number): number => (data[b] as Row).length - (data[a] as Row).length;
  if (cfg.bucketByLength) {
    if (!cfg.shuffle) {
      order = order.slice().sort((a, b) => byLength(a, b) || a - b);
    } else {
      // Sort within windows only, so batches stay random while rows in a batch have similar lengths.
      const window = cfg.batchSize * cfg.bucketMultiplier;
      const sorted: number[] = [];
      for (let s = 0; s < order.length; s += window) {
        const chunk = order.slice(s, s + window);
        const pos = new Map(chunk.map((idx, k) => [idx, k]));
        chunk.sort((a, b) => byLength(a, b) || (pos.get(a) as number) - (pos.get(b) as number));
        sorted.push(...chunk);
      }
      order = sorted;
    }
  }
  let groups: number[][] = [];
  for (let s = 0; s < order.length; s += cfg.batchSize) groups.push(order.slice(s, s + cfg.batchSize));
  if (cfg.dropLast && groups.length > 0 && (groups[groups.length - 1] as number[]).length < cfg.batchSize) groups.pop();
  if (cfg.shuffle && cfg.bucketByLength) groups = rng.derive('batches').shuffle(groups);
  return groups.map((indices) => pad(indices, data, padId, cfg.padToMultipleOf));
}

function toRow(r: Encoding | ArrayLike<number>, i: number): Row {
  if (Array.isArray(r) || ArrayBuffer.isView(r)) {
    const ids = r as ArrayLike<number>;
    return { ids: ids as readonly number[], types: undefined, length: ids.length };
  }
  const e = r as Encoding;
  if (!e || !Array.isArray(e.inputIds)) {
    throw new WorkbenchError('CONFIG_TYPE', `row ${i} is neither an encoding nor a list of token ids`, { where: { source: 'makeBatches', path: `rows[${i}]` } });
  }
  let length = e.inputIds.length;
  if (Array.isArray(e.attentionMask) && e.attentionMask.length === length) while (length > 0 && e.attentionMask[length - 1] === 0) length--;
  return { ids: e.inputIds, types: e.tokenTypeIds, length };
}

function pad(indices: number[], data: readonly Row[], padId: number, multiple: number): Batch {
  const longest = Math.max(0, ...indices.map((i) => (data[i] as Row).length));
  const length = Math.ceil(longest / multiple) * multiple;
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  const tokenTypeIds: number[][] = [];
  let realTokens = 0;
  for (const i of indices) {
    const row = data[i] as Row;
    const n = row.length;
    realTokens += n;
    const ids = new Array<number>(length).fill(padId);
    const mask = new Array<number>(length).fill(0);
    const types = new Array<number>(length).fill(0);
    for (let k = 0; k < n; k++) {
      ids[k] = row.ids[k] as number;
      mask[k] = 1;
      if (row.types) types[k] = row.types[k] ?? 0;
    }
    inputIds.push(ids);
    attentionMask.push(mask);
    tokenTypeIds.push(types);
  }
  return { indices, inputIds, attentionMask, tokenTypeIds, length, realTokens };
}

/**
 * Per-row outputs of the batches back in input order: `outputs[b][r]` belongs to row `batches[b].indices[r]`.
 * Rows dropped by `dropLast` are missing, so every input row must be covered; anything else is an error.
 */
export function restoreOrder<T>(batches: readonly Batch[], outputs: readonly (readonly T[])[]): T[] {
  if (outputs.length !== batches.length) {
    throw new WorkbenchError('INTERNAL', `restoreOrder: ${outputs.length} outputs for ${batches.length} batches`);
  }
  const total = batches.reduce((n, b) => n + b.indices.length, 0);
  const out = new Array<T>(total);
  const seen = new Array<boolean>(total).fill(false);
  batches.forEach((b, bi) => {
    const rows = outputs[bi] as readonly T[];
    if (rows.length !== b.indices.length) {
      throw new WorkbenchError('INTERNAL', `restoreOrder: batch ${bi} has ${b.indices.length} rows but ${rows.length} outputs`);
    }
    b.indices.forEach((idx, r) => {
      if (idx >= total || seen[idx]) throw new WorkbenchError('INTERNAL', `restoreOrder: the batches do not cover rows 0..${total - 1} exactly once (row ${idx})`);
      seen[idx] = true;
      out[idx] = rows[r] as T;
    });
  });
  return out;
}
