import { readFileSync } from 'node:fs';
import { Rng } from '@workbench/core';
import { tf, TEST_BACKENDS, useBackend } from '@workbench/tensor';
import { MultiLabelHead } from '../heads/classification-head.ts';
import { AdamW } from '../training/adamw.ts';
import { trainStep } from '../training/train-step.ts';
import { hashPair } from './feature-hash.ts';
import { HashingWordTokenizer, type WordBatch } from './hashing-word-tokenizer.ts';
import { NgramEncoder } from './ngram-encoder.ts';

interface Row {
  text: string;
  labels: string[];
}
const FIXTURE = new URL('../../test/fixtures/debtags-sample.jsonl', import.meta.url);
const rows: Row[] = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
const labelNames = [...new Set(rows.flatMap((r) => r.labels))].sort();

function tensors(b: WordBatch): { x: tf.Tensor2D; m: tf.Tensor2D } {
  return { x: tf.tensor2d(b.inputIds, [b.batch, b.length], 'int32'), m: tf.tensor2d(b.attentionMask, [b.batch, b.length]) };
}

function labelMatrix(part: Row[]): tf.Tensor2D {
  return tf.tensor2d(part.map((r) => labelNames.map((l) => (r.labels.includes(l) ? 1 : 0))));
}

describe('NgramEncoder', () => {
  beforeAll(() => useBackend('cpu'));

  it('embeds each position as its word row plus its (previous, word) bigram row; pads add nothing', () => {
    const enc = new NgramEncoder({ vocabSize: 50, buckets: 20, dim: 4, dropout: 0 });
    const ids = tf.tensor2d([[7, 9, 0], [3, 8, 0]], [2, 3], 'int32');
    const emb = enc.embed(ids);
    expect(emb.shape).toEqual([2, 3, 4]);
    const e = emb.arraySync();
    const row = (r: number): number[] => Array.from(enc.table.weight.subarray(r * 4, r * 4 + 4));
    const bigram = 50 + (hashPair(7, 9) % 20);
    e[0]?.[1]?.forEach((v, d) => expect(v).toBeCloseTo((row(9)[d] as number) + (row(bigram)[d] as number), 6));
    expect(e[0]?.[0]).toEqual(row(7).map((v) => expect.closeTo(v, 6)));
    expect(e[0]?.[2]).toEqual([0, 0, 0, 0]);
    // id 3 is special ([SEP]): it has a word row but no bigram with the next word.
    e[1]?.[1]?.forEach((v, d) => expect(v).toBeCloseTo(row(8)[d] as number, 6));
    expect(() => enc.embed(tf.tensor2d([[50]], [1, 1], 'int32'))).toThrow(/input id 50 at \[0, 0\] is outside the vocabulary \[0, 50\)/);
    tf.dispose([ids, emb]);
  });

  it('encode is the identity or a dense + ReLU layer; pool is the masked mean', () => {
    const plain = new NgramEncoder({ vocabSize: 50, buckets: 0, dim: 4 });
    const deep = new NgramEncoder({ vocabSize: 50, buckets: 0, dim: 4, hidden: 6 });
    expect([plain.hiddenSize, deep.hiddenSize]).toEqual([4, 6]);
    expect([...deep.variables().keys()]).toEqual(['encoder.dense.weight', 'encoder.dense.bias']);
    const h = tf.tensor3d([[[1, 2, 3, 4], [3, 4, 5, 6], [100, 100, 100, 100]]]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    expect(plain.encode(h, mask).arraySync()).toEqual(h.arraySync());
    const deepOut = deep.encode(h, mask);
    expect(deepOut.shape).toEqual([1, 3, 6]);
    expect(Math.min(...deepOut.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Array.from(plain.pool(h, mask).dataSync())).toEqual([2, 3, 4, 5]);
    tf.dispose([h, mask, deepOut]);
    deep.dispose();
  });

  it('rejects bad configs with their path', () => {
    expect(() => new NgramEncoder({ dim: 0 })).toThrow(/encoder.dim: dim must be a positive integer, got 0/);
    expect(() => new NgramEncoder({ dropout: 1 })).toThrow(/encoder.dropout/);
    expect(() => new NgramEncoder({ bucket: 4 } as never)).toThrow(/did you mean 'buckets'/);
  });

  it('dynamic padding and padding to max length give the same outputs, loss and updated weights', () => {
    const tok = new HashingWordTokenizer({ vocabSize: 4096, maxLength: 64 });
    const part = rows.slice(0, 8);
    const texts = part.map((r) => r.text);
    const dynamic = tok.encodeBatch(texts);
    const padded = tok.encodeBatch(texts, { padTo: 128 });
    expect(dynamic.length).toBeLessThan(padded.length);
    const results = [dynamic, padded].map((batch, k) => {
      const enc = new NgramEncoder({ vocabSize: 4096, buckets: 4096, dim: 16, hidden: 8, dropout: 0, seed: 3 });
      const head = new MultiLabelHead({ inputSize: enc.hiddenSize, numLabels: labelNames.length, dropout: 0, seed: 3 });
      const vars = new Map([...enc.variables(), ...head.variables()]);
      const opt = new AdamW({ lr: 0.01 });
      const { x, m } = tensors(batch);
      const y = labelMatrix(part);
      const pooled = tf.tidy(() => enc.pool(enc.encode(enc.embed(x), m), m).arraySync());
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) losses.push(trainStep(() => head.loss(head.apply(enc.pool(enc.encode(enc.embed(x, { training: true }), m), m)), y), vars, opt).loss);
      const weights = [...vars.values()].flatMap((v) => Array.from(v.dataSync())).concat(Array.from(enc.table.weight.subarray(0, 4096 * 16)));
      tf.dispose([x, m, y]);
      opt.dispose();
      head.dispose();
      enc.dispose();
      return { k, pooled, losses, weights };
    });
    const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
    a.pooled.flat().forEach((v, i) => expect(Math.abs(v - (b.pooled.flat()[i] as number))).toBeLessThan(1e-6));
    a.losses.forEach((v, i) => expect(Math.abs(v - (b.losses[i] as number))).toBeLessThan(1e-6));
    let maxDiff = 0;
    a.weights.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - (b.weights[i] as number)))));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('MixUp of two inputs\' embeddings trains the rows of both inputs', () => {
    const enc = new NgramEncoder({ vocabSize: 100, buckets: 0, dim: 4, dropout: 0 });
    const head = new MultiLabelHead({ inputSize: 4, numLabels: 2, dropout: 0 });
    const before = enc.table.weight.slice();
    const x1 = tf.tensor2d([[10, 11]], [1, 2], 'int32');
    const x2 = tf.tensor2d([[20, 21]], [1, 2], 'int32');
    const m = tf.ones([1, 2]) as tf.Tensor2D;
    const y = tf.tensor2d([[1, 0]]);
    const lam = 0.3;
    trainStep(() => {
      const mixed = tf.add(tf.mul(enc.embed(x1), lam), tf.mul(enc.embed(x2), 1 - lam)) as tf.Tensor3D;
      return head.loss(head.apply(enc.pool(enc.encode(mixed, m), m)), y);
    }, head.variables(), new AdamW({ lr: 0.1 }));
    const moved = (r: number): boolean => enc.table.weight.subarray(r * 4, r * 4 + 4).some((v, d) => v !== before[r * 4 + d]);
    expect([10, 11, 20, 21].map(moved)).toEqual([true, true, true, true]);
    expect([12, 22].map(moved)).toEqual([false, false]);
    tf.dispose([x1, x2, m, y]);
    head.dispose();
  });
});

// wasm only: the training backend here (the pure-JS cpu backend is covered by the tests above and by train-step.spec).
describe.each(TEST_BACKENDS.filter((b) => b === 'wasm'))('a tiny n-gram classifier on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('overfits one batch of real text (48 debtags rows) to BCE < 0.05, with live tensors constant over 50 steps', () => {
    const tok = new HashingWordTokenizer({ vocabSize: 8192, maxLength: 128 });
    const enc = new NgramEncoder({ vocabSize: 8192, buckets: 8192, dim: 32, dropout: 0, seed: 1 });
    const head = new MultiLabelHead({ inputSize: enc.hiddenSize, numLabels: labelNames.length, dropout: 0, seed: 1 });
    const vars = new Map([...enc.variables(), ...head.variables()]);
    const opt = new AdamW({ lr: 0.05, weightDecay: 0 });
    const { x, m } = tensors(tok.encodeBatch(rows.map((r) => r.text)));
    const y = labelMatrix(rows);
    const loss = (): tf.Scalar => head.loss(head.apply(enc.pool(enc.encode(enc.embed(x, { training: true }), m), m), { training: true }), y);
    const first = trainStep(loss, vars, opt, { clipNorm: 1 });
    const live = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 50; i++) {
      last = trainStep(loss, vars, opt, { clipNorm: 1 });
      expect(tf.memory().numTensors).toBe(live);
    }
    expect(first.loss).toBeGreaterThan(0.5);
    expect(last.loss).toBeLessThan(0.05);
    tf.dispose([x, m, y]);
    opt.dispose();
    head.dispose();
    enc.dispose();
  });
});

describe('seeding', () => {
  it('the same seed gives the same table and dropout masks; another seed does not', () => {
    const a = new NgramEncoder({ vocabSize: 64, buckets: 64, dim: 8, seed: 5 });
    const b = new NgramEncoder({ vocabSize: 64, buckets: 64, dim: 8, seed: 5 });
    const c = new NgramEncoder({ vocabSize: 64, buckets: 64, dim: 8, seed: 6 });
    expect(a.table.weight).toEqual(b.table.weight);
    expect(a.table.weight).not.toEqual(c.table.weight);
    expect(new Rng(5).derive('x').next()).toBe(new Rng(5).derive('x').next());
  });
});
