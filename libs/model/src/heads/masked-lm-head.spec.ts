import { readFileSync } from 'node:fs';
import { createRng } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
import { HashingWordTokenizer } from '../ngram/hashing-word-tokenizer.ts';
import { NgramEncoder } from '../ngram/ngram-encoder.ts';
import { resolveTransformerConfig } from '../transformer/transformer-config.ts';
import { TransformerEncoder } from '../transformer/transformer-encoder.ts';
import { AdamW } from '../training/adamw.ts';
import { trainStep } from '../training/train-step.ts';
import { maskTokens } from './bert-masking.ts';
import { MaskedLmHead } from './masked-lm-head.ts';

const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
/** Abramowitz-Stegun 7.1.26 is too coarse for 1e-6; a series/continued fraction split is not needed at these inputs. */
function erf(x: number): number {
  // Maclaurin series, exact to double precision for |x| < 3.
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('MaskedLmHead', () => {
  beforeAll(() => useBackend('cpu'));

  function handSet(head: MaskedLmHead): void {
    const v = head.variables();
    v.get('cls.predictions.transform.dense.weight')?.assign(tf.tensor2d([[1, 0.5], [-1, 2]]));
    v.get('cls.predictions.transform.dense.bias')?.assign(tf.tensor1d([0.1, -0.2]));
    v.get('cls.predictions.transform.LayerNorm.weight')?.assign(tf.tensor1d([2, 1]));
    v.get('cls.predictions.transform.LayerNorm.bias')?.assign(tf.tensor1d([0, 0.5]));
    v.get('cls.predictions.bias')?.assign(tf.tensor1d([0.1, 0.2, 0.3]));
  }

  /** The head by hand for one hidden vector, decoder [vocab, hidden] (PyTorch layout). */
  function byHand(h: [number, number], decoder: number[][]): number[] {
    const d = [h[0] * 1 + h[1] * -1 + 0.1, h[0] * 0.5 + h[1] * 2 - 0.2].map(gelu) as [number, number];
    const mean = (d[0] + d[1]) / 2;
    const variance = ((d[0] - mean) ** 2 + (d[1] - mean) ** 2) / 2;
    const t = [((d[0] - mean) / Math.sqrt(variance + 1e-12)) * 2, ((d[1] - mean) / Math.sqrt(variance + 1e-12)) * 1 + 0.5];
    return decoder.map((row, k) => (row[0] as number) * (t[0] as number) + (row[1] as number) * (t[1] as number) + [0.1, 0.2, 0.3][k]!);
  }

  it('transform (dense + exact GELU + LayerNorm) then an untied decoder + bias, on hand-set weights', () => {
    const head = new MaskedLmHead({ hiddenSize: 2, vocabSize: 3 });
    handSet(head);
    const decoder = [[1, 0], [0, 1], [1, -1]];
    head.variables().get('cls.predictions.decoder.weight')?.assign(tf.tensor2d(decoder).transpose());
    const out = head.apply(tf.tensor3d([[[0.3, -0.7], [1.2, 0.4]]]));
    expect(out.shape).toEqual([1, 2, 3]);
    const got = out.arraySync() as number[][][];
    [[0.3, -0.7], [1.2, 0.4]].forEach((h, i) => byHand(h as [number, number], decoder).forEach((v, k) => expect(Math.abs((got[0]?.[i]?.[k] as number) - v)).toBeLessThan(1e-5)));
    expect([...head.variables().keys()].sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.decoder.weight',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    head.dispose();
  });

  it('a tied decoder uses the word embeddings [vocab, hidden] and owns no decoder weight', () => {
    const words = tf.variable(tf.tensor2d([[0.5, 1], [-1, 0], [2, 2]]), true, 'mlm-test/word_embeddings');
    const head = new MaskedLmHead({ hiddenSize: 2, vocabSize: 3 }, words);
    handSet(head);
    expect(head.tied).toBe(true);
    expect(head.variables().has('cls.predictions.decoder.weight')).toBe(false);
    const got = head.apply(tf.tensor2d([[0.3, -0.7]])).arraySync() as number[][];
    byHand([0.3, -0.7], [[0.5, 1], [-1, 0], [2, 2]]).forEach((v, k) => expect(Math.abs((got[0]?.[k] as number) - v)).toBeLessThan(1e-5));
    expect(() => new MaskedLmHead({ hiddenSize: 3, vocabSize: 3 }, words)).toThrow(/tied word embeddings are \[3,2\], expected \[3, 3\]/);
    head.dispose();
    words.dispose();
  });

  it('masked-LM loss falls on real text (n-gram encoder, untied decoder; on wasm, the training backend here)', async () => {
    await useBackend('wasm');
    const rows = readFileSync(new URL('../../test/fixtures/debtags-sample.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string });
    const tok = new HashingWordTokenizer({ vocabSize: 512, maxLength: 48 });
    const enc = new NgramEncoder({ vocabSize: 512, buckets: 1024, dim: 32, dropout: 0, seed: 2 });
    const head = new MaskedLmHead({ hiddenSize: enc.hiddenSize, vocabSize: 512, seed: 2 });
    const vars = new Map([...enc.variables(), ...head.variables()]);
    const opt = new AdamW({ lr: 0.01 });
    const batch = tok.encodeBatch(rows.slice(0, 32).map((r) => r.text));
    const m = tf.tensor2d(batch.attentionMask, [batch.batch, batch.length]);
    const rng = createRng('mlm-test');
    const losses: number[] = [];
    let live = 0;
    for (let step = 0; step < 40; step++) {
      // Fresh masks every step, as in pre-training.
      const masked = maskTokens(batch.inputIds, { vocabSize: 512, maskId: tok.maskId, padId: tok.padId, specialIds: tok.specialIds }, rng, { attentionMask: batch.attentionMask });
      const x = tf.tensor2d(masked.inputIds, [batch.batch, batch.length], 'int32');
      const y = tf.tensor2d(masked.labels, [batch.batch, batch.length], 'int32');
      losses.push(trainStep(() => head.loss(head.apply(enc.encode(enc.embed(x, { training: true }), m)), y), vars, opt, { clipNorm: 1 }).loss);
      tf.dispose([x, y]);
      if (step === 0) live = tf.memory().numTensors;
      expect(tf.memory().numTensors).toBe(live);
    }
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(losses[0]).toBeGreaterThan(Math.log(512) - 0.5); // starts near uniform over the vocabulary
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.5); // 6.03 -> 5.35 when written
    tf.dispose(m);
    opt.dispose();
    head.dispose();
    enc.dispose();
    await useBackend('cpu');
  });

  it('masked-LM loss falls on real text with a tiny BERT and a decoder tied to its word embeddings (wasm)', async () => {
    await useBackend('wasm');
    const rows = readFileSync(new URL('../../test/fixtures/debtags-sample.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string });
    const tok = new HashingWordTokenizer({ vocabSize: 256, maxLength: 24 });
    const enc = new TransformerEncoder(resolveTransformerConfig(undefined, { vocabSize: 256, hiddenSize: 32, numLayers: 1, numHeads: 2, intermediateSize: 64, maxPositions: 32, hiddenDropout: 0, attentionDropout: 0, seed: 4 }));
    const words = enc.variables().get('embeddings.word_embeddings.weight') as tf.Variable;
    const head = new MaskedLmHead({ hiddenSize: 32, vocabSize: 256, seed: 4 }, words);
    const vars = new Map([...enc.variables(), ...head.variables()]);
    const opt = new AdamW({ lr: 3e-3 });
    const batch = tok.encodeBatch(rows.slice(0, 16).map((r) => r.text));
    const m = tf.tensor2d(batch.attentionMask, [batch.batch, batch.length]);
    const rng = createRng('mlm-bert');
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const masked = maskTokens(batch.inputIds, { vocabSize: 256, maskId: tok.maskId, padId: tok.padId, specialIds: tok.specialIds }, rng, { attentionMask: batch.attentionMask });
      const x = tf.tensor2d(masked.inputIds, [batch.batch, batch.length], 'int32');
      const y = tf.tensor2d(masked.labels, [batch.batch, batch.length], 'int32');
      losses.push(trainStep(() => head.loss(head.apply(enc.encode(enc.embed(x, { training: true }), m, { training: true })), y), vars, opt, { clipNorm: 1 }).loss);
      tf.dispose([x, y]);
    }
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.5);
    tf.dispose(m);
    opt.dispose();
    head.dispose();
    enc.dispose();
    await useBackend('cpu');
  });
});
