import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '@workbench/core';
import { makeBatches, restoreOrder } from './make-batches.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/** Rows of varied lengths whose ids encode (row, position) so any mix-up is visible. */
function rows(n: number, seed = 3): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: 1 + rng.int(40) }, (_, k) => 1000 * (i + 1) + k));
}

const unpad = (ids: number[], mask: number[]): number[] => ids.filter((_, k) => mask[k] === 1);

describe('makeBatches', () => {
  const data = rows(103);

  it('pads each batch only to its longest row, with pad id, mask 0 and type 0', () => {
    const batches = makeBatches(data, { batchSize: 10, padId: 7 });
    expect(batches).toHaveLength(11);
    for (const b of batches) {
      expect(b.length).toBe(Math.max(...b.indices.map((i) => (data[i] as number[]).length)));
      b.inputIds.forEach((ids, r) => {
        const src = data[b.indices[r] as number] as number[];
        expect(ids).toHaveLength(b.length);
        expect(ids.slice(0, src.length)).toEqual(src);
        expect(ids.slice(src.length).every((x) => x === 7)).toBe(true);
        expect(b.attentionMask[r]).toEqual([...new Array(src.length).fill(1), ...new Array(b.length - src.length).fill(0)]);
        expect(b.tokenTypeIds[r]?.every((x) => x === 0)).toBe(true);
      });
      expect(b.realTokens).toBe(b.indices.reduce((n, i) => n + (data[i] as number[]).length, 0));
    }
    // Without bucketing or shuffling the rows stay in input order.
    expect(batches.flatMap((b) => b.indices)).toEqual(data.map((_, i) => i));
  });

  it.each([
    ['bucketing', { bucketByLength: true }],
    ['shuffling', { shuffle: true, seed: 5 }],
    ['bucketing + shuffling', { bucketByLength: true, shuffle: true, seed: 5, bucketMultiplier: 3 }],
  ])('with %s keeps every row exactly once, and restoreOrder puts outputs back in input order', (_name, extra) => {
    const batches = makeBatches(data, { batchSize: 8, padId: 0, ...extra });
    expect(batches.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual(data.map((_, i) => i));
    const outputs = batches.map((b) => b.inputIds.map((ids, r) => unpad(ids, b.attentionMask[r] as number[])));
    expect(restoreOrder(batches, outputs)).toEqual(data);
  });

  it('bucketing without shuffling sorts by length, longest first, ties in input order', () => {
    const batches = makeBatches(data, { batchSize: 8, padId: 0, bucketByLength: true });
    const order = batches.flatMap((b) => b.indices);
    for (let k = 1; k < order.length; k++) {
      const prev = (data[order[k - 1] as number] as number[]).length;
      const cur = (data[order[k] as number] as number[]).length;
      expect(prev > cur || (prev === cur && (order[k - 1] as number) < (order[k] as number))).toBe(true);
    }
  });

  it('bucketing cuts padding', () => {
    const padded = (bs: ReturnType<typeof makeBatches>): number => bs.reduce((n, b) => n + b.indices.length * b.length, 0);
    const plain = makeBatches(data, { batchSize: 8, padId: 0, shuffle: true, seed: 1 });
    const bucketed = makeBatches(data, { batchSize: 8, padId: 0, shuffle: true, seed: 1, bucketByLength: true, bucketMultiplier: 4 });
    expect(padded(bucketed)).toBeLessThan(0.8 * padded(plain));
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const opts = { batchSize: 8, padId: 0, shuffle: true, bucketByLength: true, bucketMultiplier: 4 };
    const a = makeBatches(data, { ...opts, seed: 11 }).map((b) => b.indices);
    expect(makeBatches(data, { ...opts, seed: 11 }).map((b) => b.indices)).toEqual(a);
    expect(makeBatches(data, { ...opts, seed: 12 }).map((b) => b.indices)).not.toEqual(a);
  });

  it('takes tokenizer encodings, cutting existing padding and keeping token types', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'dog', 'fox', 'a'];
    const tok = new WordPieceTokenizer({ vocab });
    const encs = [tok.encode('the dog', { pair: 'a fox', maxLength: 12, padding: 'max_length' }), tok.encode('dog'), tok.encode('the the the the fox')];
    const [b] = makeBatches(encs, { batchSize: 3, padId: tok.padId });
    expect(b?.length).toBe(7);
    expect(b?.inputIds[0]).toEqual([2, 5, 6, 3, 8, 7, 3]);
    expect(b?.tokenTypeIds[0]).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(b?.inputIds[1]).toEqual([2, 6, 3, 0, 0, 0, 0]);
    expect(b?.attentionMask[1]).toEqual([1, 1, 1, 0, 0, 0, 0]);
  });

  it('drops a short last batch on request, and rounds lengths up to a multiple', () => {
    const bs = makeBatches(data, { batchSize: 10, padId: 0, dropLast: true, padToMultipleOf: 8 });
    expect(bs).toHaveLength(10);
    expect(bs.every((b) => b.length % 8 === 0 && b.indices.length === 10)).toBe(true);
  });

  it('rejects bad configs and mismatched outputs', () => {
    expect(() => makeBatches(data, { batchSize: 8 })).toThrow(/padId must be the tokenizer's pad id/);
    expect(() => makeBatches(data, { batchSize: 0, padId: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => makeBatches(data, { batchsize: 8, padId: 0 } as never)).toThrow(/unknown key 'batchsize'/);
    const bs = makeBatches(data.slice(0, 4), { batchSize: 2, padId: 0 });
    expect(() => restoreOrder(bs, [[1, 2]])).toThrow(/1 outputs for 2 batches/);
    expect(() => restoreOrder(bs, [[1, 2], [3]])).toThrow(/batch 1 has 2 rows but 1 outputs/);
  });

  it('takes typed arrays of ids', () => {
    const [b] = makeBatches([Int32Array.from([5, 6, 7]), Int32Array.from([8])], { batchSize: 2, padId: 1 });
    expect(b?.inputIds).toEqual([
      [5, 6, 7],
      [8, 1, 1],
    ]);
  });

  it('handles no rows and empty rows', () => {
    expect(makeBatches([], { batchSize: 4, padId: 0 })).toEqual([]);
    const [b] = makeBatches([[], [5]], { batchSize: 4, padId: 0 });
    expect(b?.inputIds).toEqual([[0], [5]]);
    expect(b?.attentionMask).toEqual([[0], [1]]);
  });
});

describe('makeBatches on the fixture encodings', () => {
  it('dynamic padding carries exactly the real tokens of padding to max_length', () => {
    const dir = fileURLToPath(new URL('../../../fixtures/hf/bert-tiny/', import.meta.url));
    const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8'));
    const tok = new WordPieceTokenizer({ vocab: readFileSync(`${dir}vocab.txt`, 'utf8').split('\n').slice(0, -1) });
    const encs = (expected.texts as string[]).map((t) => tok.encode(t, { maxLength: 16 }));
    const batches = makeBatches(encs, { batchSize: 4, padId: tok.padId, bucketByLength: true });
    expect(batches.map((b) => b.length)).toEqual([16, 7]);
    const rowsBack = restoreOrder(
      batches,
      batches.map((b) => b.inputIds.map((ids, r) => unpad(ids, b.attentionMask[r] as number[]))),
    );
    const golden = (expected.batch.input_ids as number[][]).map((ids, i) => unpad(ids, expected.batch.attention_mask[i]));
    expect(rowsBack).toEqual(golden);
  });
});
