import * as tf from '@tensorflow/tfjs';
import { createRng } from '@workbench/core';
import { initBackend } from './init-backend.ts';

/** A small embedding + single-head attention + dense model; returns the gradients of every weight. */
function gradients(weights: Record<string, number[][]>, ids: number[][], labels: number[][]): Record<string, Float32Array> {
  return tf.tidy(() => {
    const vars = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor2d(v)]));
    const idT = tf.tensor2d(ids, undefined, 'int32');
    const y = tf.tensor2d(labels);
    const names = Object.keys(vars);
    const f = (...ws: tf.Tensor[]): tf.Scalar => {
      const w = Object.fromEntries(names.map((n, i) => [n, ws[i] as tf.Tensor2D]));
      const [batch, seq] = idT.shape;
      const emb = tf.gather(w['emb'] as tf.Tensor2D, idT.flatten()).reshape([batch, seq, -1]) as tf.Tensor3D;
      const h = emb.shape[2];
      const flat = emb.reshape([-1, h]) as tf.Tensor2D;
      const q = tf.matMul(flat, w['wq'] as tf.Tensor2D).reshape([batch, seq, h]) as tf.Tensor3D;
      const k = tf.matMul(flat, w['wk'] as tf.Tensor2D).reshape([batch, seq, h]) as tf.Tensor3D;
      const v = tf.matMul(flat, w['wv'] as tf.Tensor2D).reshape([batch, seq, h]) as tf.Tensor3D;
      const scores = tf.matMul(q, k, false, true).div(Math.sqrt(h));
      const ctx = tf.matMul(tf.softmax(scores), v);
      const pooled = ctx.mean(1) as tf.Tensor2D;
      const logits = tf.matMul(pooled, w['out'] as tf.Tensor2D);
      return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar;
    };
    const grads = tf.grads(f)(names.map((n) => vars[n] as tf.Tensor));
    return Object.fromEntries(names.map((n, i) => [n, (grads[i] as tf.Tensor).dataSync() as Float32Array]));
  });
}

describe('gradients agree between cpu and wasm', () => {
  it('for an embedding + attention + dense model', async () => {
    const rng = createRng('grad-check');
    const m = (r: number, c: number): number[][] => Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal(0, 0.5)));
    const weights = { emb: m(20, 8), wq: m(8, 8), wk: m(8, 8), wv: m(8, 8), out: m(8, 3) };
    const ids = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => rng.int(20)));
    const labels = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => rng.int(2)));

    await initBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const cpu = gradients(weights, ids, labels);
    expect(tf.memory().numTensors).toBe(before);
    await initBackend({ backend: 'wasm' });
    const wasmBefore = tf.memory().numTensors;
    const wasm = gradients(weights, ids, labels);
    expect(tf.memory().numTensors).toBe(wasmBefore);

    for (const name of Object.keys(weights)) {
      const a = cpu[name] as Float32Array;
      const b = wasm[name] as Float32Array;
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
        maxAbs = Math.max(maxAbs, Math.abs(a[i] as number));
      }
      expect(maxAbs).toBeGreaterThan(0); // a gradient that is all zeros would pass trivially
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    }
  });
});
