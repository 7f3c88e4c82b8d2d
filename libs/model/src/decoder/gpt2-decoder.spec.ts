import { tf, useBackend } from '@workbench/tensor';
import { WorkbenchError } from '@workbench/core';
import { resolveDecoderConfig } from './decoder-config.ts';
import { decoderParameterCount } from './decoder-parameter-specs.ts';
import { Gpt2Decoder } from './gpt2-decoder.ts';

const TINY = { vocabSize: 50, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, maxPositions: 12, padTokenId: 0, seed: 3 };

beforeAll(async () => {
  await useBackend('cpu');
});

function hiddenOf(dec: Gpt2Decoder, ids: number[][], mask: number[][]): number[][][] {
  return tf.tidy(() => {
    const idsT = tf.tensor2d(ids, undefined, 'int32');
    const maskT = tf.tensor2d(mask);
    return dec.encode(dec.embed(idsT), maskT).arraySync() as number[][][];
  });
}

describe('Gpt2Decoder', () => {
  it('is causal: changing a future token leaves every earlier position unchanged', () => {
    const dec = Gpt2Decoder.create(undefined, TINY);
    const a = hiddenOf(dec, [[5, 6, 7, 8, 9]], [[1, 1, 1, 1, 1]]);
    const b = hiddenOf(dec, [[5, 6, 7, 8, 42]], [[1, 1, 1, 1, 1]]);
    for (let t = 0; t < 4; t++) for (let h = 0; h < 16; h++) expect(b[0]![t]![h]).toBeCloseTo(a[0]![t]![h]!, 6);
    // The changed position itself does move (the test would pass vacuously otherwise).
    expect(Math.max(...a[0]![4]!.map((x, h) => Math.abs(x - b[0]![4]![h]!)))).toBeGreaterThan(1e-3);
    dec.dispose();
  });

  it('right padding does not change the real tokens, and pool reads the last non-pad token', () => {
    const dec = Gpt2Decoder.create(undefined, TINY);
    const short = hiddenOf(dec, [[5, 6, 7]], [[1, 1, 1]]);
    const padded = hiddenOf(dec, [[5, 6, 7, 0, 0]], [[1, 1, 1, 0, 0]]);
    for (let t = 0; t < 3; t++) for (let h = 0; h < 16; h++) expect(padded[0]![t]![h]).toBeCloseTo(short[0]![t]![h]!, 5);
    const pooled = tf.tidy(() => {
      const ids = tf.tensor2d([[5, 6, 7, 0, 0], [5, 6, 7, 8, 9]], undefined, 'int32');
      const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]);
      return dec.pool(dec.encode(dec.embed(ids), mask), mask).arraySync() as number[][];
    });
    const full = hiddenOf(dec, [[5, 6, 7, 8, 9]], [[1, 1, 1, 1, 1]]);
    for (let h = 0; h < 16; h++) {
      expect(pooled[0]![h]).toBeCloseTo(short[0]![2]![h]!, 5);
      expect(pooled[1]![h]).toBeCloseTo(full[0]![4]![h]!, 5);
    }
    dec.dispose();
  });

  it('trains: gradients reach every weight, and nothing leaks', () => {
    const dec = Gpt2Decoder.create(undefined, { ...TINY, embeddingDropout: 0.2 });
    const before = tf.memory().numTensors;
    const ids = tf.tensor2d([[5, 6, 7, 0], [8, 9, 10, 11]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]]);
    const vars = [...dec.variables().values()];
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(dec.pool(dec.encode(dec.embed(ids, { training: true }), mask, { training: true }), mask))) as tf.Scalar, vars);
    const maxAbs = (g: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0] as number);
    const nonZero = Object.values(grads).filter((g) => maxAbs(g) > 0).length;
    expect(nonZero).toBe(vars.length);
    value.dispose();
    tf.dispose(Object.values(grads));
    ids.dispose();
    mask.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before - vars.length);
  });

  it('presets mirror the encoder sizes and count parameters like GPT-2', () => {
    const tiny = resolveDecoderConfig('tiny', { vocabSize: 1000, maxPositions: 64 });
    expect([tiny.numLayers, tiny.hiddenSize, tiny.numHeads, tiny.intermediateSize]).toEqual([2, 128, 2, 512]);
    // GPT-2 small (124,439,808 parameters in transformers' GPT2Model).
    expect(decoderParameterCount(resolveDecoderConfig('gpt2'))).toBe(124439808);
  });

  it('rejects bad configs and over-long inputs with a clear error', () => {
    expect(() => resolveDecoderConfig('tiny', { numHeads: 3 })).toThrow(/not divisible by numHeads 3/);
    expect(() => resolveDecoderConfig('tiny', { hiddenSzie: 3 })).toThrow(WorkbenchError);
    expect(() => resolveDecoderConfig('huge')).toThrow(/tiny/);
    const dec = Gpt2Decoder.create(undefined, TINY);
    const ids = tf.zeros([1, 13], 'int32') as tf.Tensor2D;
    expect(() => dec.embed(ids)).toThrow(/exceeds the 12 positions/);
    ids.dispose();
    dec.dispose();
  });
});
