import { tf, TEST_BACKENDS, useBackend } from '@workbench/tensor';
import { inverseDocumentFrequency, tfidfPositionWeights } from './inverse-document-frequency.ts';
import { NgramEncoder } from './ngram-encoder.ts';

describe('inverseDocumentFrequency', () => {
  it("is scikit-learn's smoothed idf over documents (a repeated id counts once); unseen and special ids get 0", () => {
    // 3 documents; id 5 in all three, id 6 in one (twice), id 7 in none, id 2 special.
    const idf = inverseDocumentFrequency([Int32Array.from([5, 6, 6]), Int32Array.from([5, 2]), Int32Array.from([5])], 8, 5);
    expect(idf[5]).toBeCloseTo(Math.log(4 / 4) + 1, 6);
    expect(idf[6]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    expect(idf[7]).toBe(0);
    expect(idf[2]).toBe(0);
  });
});

describe('tfidfPositionWeights', () => {
  it("spreads each word's (1 + ln tf) idf over its positions and L2-normalises the row; pads weigh 0", () => {
    const idf = new Float32Array(10);
    idf[5] = 1.5;
    idf[6] = 2;
    // Row 0: 5 6 6 pad; row 1: all pad.
    const w = tfidfPositionWeights(Int32Array.from([5, 6, 6, 0, 0, 0, 0, 0]), 2, 4, idf, 0);
    const x5 = 1.5;
    const x6 = (1 + Math.log(2)) * 2;
    const norm = Math.hypot(x5, x6);
    expect(w[0]).toBeCloseTo(x5 / norm, 6);
    expect(w[1]).toBeCloseTo(x6 / 2 / norm, 6);
    expect(w[2]).toBeCloseTo(x6 / 2 / norm, 6);
    expect(Array.from(w.subarray(3))).toEqual([0, 0, 0, 0, 0]);
  });
});

describe.each(TEST_BACKENDS)("NgramEncoder pooling 'tfidf' (%s)", (backend) => {
  beforeAll(() => useBackend(backend));

  it('pools to E^T x for x the TF-IDF vector of the row, whatever the padding, without leaking tensors', () => {
    const idf = new Float32Array(30);
    for (let i = 5; i < 30; i++) idf[i] = 1 + i / 10;
    const enc = new NgramEncoder({ vocabSize: 30, buckets: 0, dim: 3, dropout: 0, pooling: 'tfidf' }, idf);
    const row = (r: number): number[] => Array.from(enc.table.weight.subarray(r * 3, r * 3 + 3));
    const before = tf.memory().numTensors;
    const pooled = (ids: number[][]): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor2d(ids, undefined, 'int32');
        const m = tf.cast(tf.notEqual(x, 0), 'float32') as tf.Tensor2D;
        return enc.pool(enc.encode(enc.embed(x), m), m).arraySync();
      });
    const [a, padded] = [pooled([[7, 9, 7]])[0] as number[], pooled([[7, 9, 7, 0, 0]])[0] as number[]];
    expect(tf.memory().numTensors).toBe(before);
    const x7 = (1 + Math.log(2)) * (idf[7] as number);
    const x9 = idf[9] as number;
    const norm = Math.hypot(x7, x9);
    const expected = [0, 1, 2].map((d) => ((row(7)[d] as number) * x7 + (row(9)[d] as number) * x9) / norm);
    a.forEach((v, d) => expect(v).toBeCloseTo(expected[d] as number, 5));
    padded.forEach((v, d) => expect(v).toBeCloseTo(a[d] as number, 6));
    enc.dispose();
  });

  it('refuses pooling tfidf without IDFs, or with IDFs of the wrong size', () => {
    expect(() => new NgramEncoder({ vocabSize: 30, pooling: 'tfidf' })).toThrow("pooling 'tfidf' needs the word IDFs");
    expect(() => new NgramEncoder({ vocabSize: 30, pooling: 'tfidf' }, new Float32Array(10))).toThrow('word IDFs have 10 entries, expected vocabSize 30');
  });
});
