import { createRng } from '@workbench/core';
import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { computeGradients } from '../training/compute-gradients.ts';
import { withSparseTape } from '../training/sparse-gradient-tape.ts';
import { dropout } from './dropout-mask.ts';
import { feedForward } from './feed-forward.ts';
import { gelu } from './gelu.ts';
import { layerNorm } from './layer-norm.ts';
import { linear } from './linear.ts';
import { residualLayerNorm } from './residual-layer-norm.ts';
import { selfAttention } from './self-attention.ts';
import { resolveTransformerConfig } from './transformer-config.ts';
import { ATTENTION_MASK_FILL, TransformerEncoder } from './transformer-encoder.ts';

const rng = createRng('fused-layer-ops');
const rand = (shape: number[], scale = 1): tf.Tensor => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);

/** Largest |a - b| over the value and the gradients of every input of `ours` and `ref` (same upstream gradient). */
function worstDiff(ours: (...x: tf.Tensor[]) => tf.Tensor, ref: (...x: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): number {
  return tf.tidy(() => {
    const up = rand(ours(...inputs).shape);
    const f = (impl: typeof ours) => (...x: tf.Tensor[]) => tf.sum(tf.mul(impl(...x), up));
    const a = tf.grads(f(ours))(inputs);
    const b = tf.grads(f(ref))(inputs);
    const diffs = [tf.sub(ours(...inputs), ref(...inputs)), ...a.map((g, i) => tf.sub(g, b[i] as tf.Tensor))];
    return Math.max(...diffs.map((d) => tf.max(tf.abs(d)).dataSync()[0] as number));
  });
}

/** The stock-op attention the fused op replaces (tf.dropout with the same seed). */
function stockAttention(batch: number, seq: number, heads: number, rate: number, seed: number | undefined) {
  return (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor): tf.Tensor => {
    const hidden = q.shape[1] as number;
    const d = hidden / heads;
    const qh = q.mul(1 / Math.sqrt(d)).reshape([batch, seq, heads, d]).transpose([0, 2, 1, 3]);
    const kT = k.reshape([batch, seq, heads, d]).transpose([0, 2, 3, 1]);
    const vh = v.reshape([batch, seq, heads, d]).transpose([0, 2, 1, 3]);
    let probs = tf.softmax(tf.matMul(qh as tf.Tensor4D, kT as tf.Tensor4D).add(bias));
    if (seed !== undefined) probs = tf.dropout(probs, rate, undefined, seed);
    return tf.matMul(probs as tf.Tensor4D, vh as tf.Tensor4D).transpose([0, 2, 1, 3]).reshape([batch * seq, hidden]);
  };
}

describe.each(TEST_BACKENDS)('fused transformer layer ops on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each([
    ['no dropout, one chunk', undefined, 1 << 20],
    ['dropout, one chunk', 7, 1 << 20],
    ['dropout, one sequence per chunk', 11, 1],
    ['dropout, two sequences per chunk', 13, 2 * 2 * 5 * 5],
  ])('selfAttention equals the stock ops in value and gradients (%s)', (_, seed, chunkElements) => {
    const [batch, seq, heads, hidden] = [3, 5, 2, 8];
    const before = tf.memory().numTensors;
    const inputs = [rand([batch * seq, hidden]), rand([batch * seq, hidden]), rand([batch * seq, hidden])];
    // The last key of sequence 1 and the last two of sequence 2 are padding.
    const bias = tf.tidy(() => tf.sub(1, tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]])).mul(ATTENTION_MASK_FILL).reshape([batch, 1, 1, seq]));
    const shape = { batch, seq, heads, dropoutRate: 0.3, dropoutSeed: seed, chunkElements };
    const diff = worstDiff(
      (q, k, v) => selfAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, bias as tf.Tensor4D, shape),
      (q, k, v) => stockAttention(batch, seq, heads, 0.3, seed)(q as tf.Tensor, k as tf.Tensor, v as tf.Tensor, bias),
      inputs,
    );
    expect(diff).toBeLessThanOrEqual(1e-6);
    tf.dispose([...inputs, bias]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([[undefined], [5]])('residualLayerNorm equals LayerNorm(dropout(a) + residual) (seed %s)', (seed) => {
    const before = tf.memory().numTensors;
    const inputs = tf.tidy(() => [rand([6, 8], 2), rand([6, 8]), rand([8], 0.1).add(1), rand([8], 0.1)]);
    const diff = worstDiff(
      (a, r, w, b) => residualLayerNorm(a as tf.Tensor2D, r as tf.Tensor2D, w as tf.Tensor, b as tf.Tensor, 1e-12, 0.2, seed),
      (a, r, w, b) => layerNorm((seed === undefined ? a : tf.dropout(a as tf.Tensor, 0.2, undefined, seed)).add(r as tf.Tensor) as tf.Tensor2D, w as tf.Tensor1D, b as tf.Tensor1D, 1e-12),
      inputs,
    );
    expect(diff).toBeLessThanOrEqual(1e-5);
    tf.dispose(inputs);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('feedForward equals linear -> erf GELU -> linear, and dropout equals tf.dropout', () => {
    const before = tf.memory().numTensors;
    const inputs = [rand([7, 8]), rand([8, 16], 0.3), rand([16], 0.1), rand([16, 8], 0.3), rand([8], 0.1)];
    const ffn = worstDiff(
      (x, w1, b1, w2, b2) => feedForward(x as tf.Tensor2D, w1 as tf.Tensor, b1 as tf.Tensor, w2 as tf.Tensor, b2 as tf.Tensor),
      (x, w1, b1, w2, b2) => linear(gelu(linear(x as tf.Tensor2D, w1 as tf.Tensor, b1 as tf.Tensor)) as tf.Tensor2D, w2 as tf.Tensor, b2 as tf.Tensor),
      inputs,
    );
    expect(ffn).toBeLessThanOrEqual(1e-5);
    const x = inputs[0] as tf.Tensor;
    expect(worstDiff((t) => dropout(t as tf.Tensor, 0.4, 9), (t) => tf.dropout(t as tf.Tensor, 0.4, undefined, 9), [x])).toBe(0);
    tf.dispose(inputs);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Bytes alive when the backward pass starts (what the forward pass left for it), in [tokens, hidden] units per layer, and the gradients. */
function trainingStep(encoder: TransformerEncoder, ids: tf.Tensor2D, mask: tf.Tensor2D) {
  let atBackward = 0;
  const probe = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => {
      atBackward = tf.memory().numBytes;
      return tf.clone(dy);
    },
  })) as any) as (x: tf.Tensor) => tf.Tensor;
  const before = tf.memory().numBytes;
  const result = computeGradients(() => {
    const hidden = encoder.encode(encoder.embed(ids, { training: true }), mask, { training: true });
    return tf.mean(tf.square(probe(hidden))) as tf.Scalar;
  }, encoder.variables());
  const [batch, seq] = ids.shape;
  return { ...result, units: (atBackward - before) / (batch * seq * encoder.hiddenSize * 4) / encoder.config.numLayers };
}

describe('TransformerEncoder training memory', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    withSparseTape(() => undefined); // its anchor variable is created once per process
  });

  it('keeps fewer than 24 [tokens, hidden] tensors per layer for the backward pass (the stock ops: 55 on this measure); gradient checkpointing keeps a quarter of that and changes no gradient', () => {
    const config = resolveTransformerConfig('tiny', { vocabSize: 100, maxPositions: 64, numLayers: 2, seed: 4 });
    const [batch, seq] = [16, 64];
    const ids = tf.tensor2d(Int32Array.from({ length: batch * seq }, (_, i) => 1 + (i % 97)), [batch, seq], 'int32');
    const mask = tf.ones([batch, seq]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    // Two encoders from the same seed draw the same dropout masks.
    const plain = new TransformerEncoder(config);
    const checkpointed = new TransformerEncoder(config);
    checkpointed.gradientCheckpointing = true;
    const a = trainingStep(plain, ids, mask);
    const b = trainingStep(checkpointed, ids, mask);
    // tf.memory().numBytes counts each saved clone of a weight too (~2 units per layer here): 21.5 measured.
    expect(a.units).toBeLessThan(24);
    // Checkpointed: each layer's input, plus the embedding layer's and the loss's tensors spread over 2 layers: 5.8 measured.
    expect(b.units).toBeLessThan(8);
    expect(b.loss).toBe(a.loss);
    for (const [name, g] of a.grads) expect(Array.from(b.grads.get(name)!.dataSync())).toEqual(Array.from(g.dataSync()));
    tf.dispose([...a.grads.values(), ...b.grads.values()]);
    plain.dispose();
    checkpointed.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, mask]);
  });
});
