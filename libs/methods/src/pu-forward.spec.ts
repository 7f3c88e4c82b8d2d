import { tf, useBackend } from '@workbench/tensor';
import { toyClassifier } from '../test/toy-model.ts';
import { makeTokenBatch, disposeBatch } from './token-batch.ts';
import { puForward } from './pu-forward.ts';
import type { MixupPair } from '@workbench/losses';

const corpus = [Int32Array.from([1, 2, 3]), Int32Array.from([4, 5]), Int32Array.from([6, 7, 8, 9]), Int32Array.from([3])];
const pairs: MixupPair[] = [
  { label: 0, u: 1, p: 0, mu: 0.25 },
  { label: 2, u: 3, p: 2, mu: 0.9 },
];

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(tol);
}

describe('puForward', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('embedding level: the batched pass equals mixing and running each pair alone', () => {
    const model = toyClassifier(10, 4, 3);
    const batch = makeTokenBatch(corpus, [0, 1, 2, 3], 0);
    const before = tf.memory().numTensors;
    const r = tf.tidy(() => {
      const out = puForward(model, batch, pairs, 'embedding', false);
      return { logits: out.logits.arraySync(), mixed: Array.from(out.mixedLogits!.dataSync()), su: Array.from(out.scoreU!.dataSync()) };
    });
    expect(tf.memory().numTensors).toBe(before);
    // Reference: each pair alone, mixing the two rows' embeddings and the union of masks.
    const expected = pairs.map((pr) =>
      tf.tidy(() => {
        const e = model.embed(batch.inputIds, false);
        const mixed = tf.add(tf.mul(pr.mu, e.slice([pr.u, 0, 0], [1])), tf.mul(1 - pr.mu, e.slice([pr.p, 0, 0], [1]))) as tf.Tensor3D;
        const mask = tf.maximum(batch.attentionMask.slice([pr.u, 0], [1]), batch.attentionMask.slice([pr.p, 0], [1])) as tf.Tensor2D;
        return (model.logitsFromFeatures(model.featuresFromEmbeddings(mixed, mask, false), false).arraySync() as number[][])[0]![pr.label]!;
      }),
    );
    close(r.mixed, expected);
    // The batch's own logits are unchanged by riding with the mixed rows.
    const plain = tf.tidy(() => model.logits(batch.inputIds, batch.attentionMask, false).arraySync());
    close(r.logits.flat(), plain.flat());
    close(r.su, pairs.map((pr) => 1 / (1 + Math.exp(-plain[pr.u]![pr.label]!))));
    disposeBatch(batch);
    model.dispose();
  });

  it('pooled and logit levels mix features and logits', () => {
    const model = toyClassifier(10, 4, 3, 5);
    const batch = makeTokenBatch(corpus, [0, 1, 2, 3], 0);
    const feats = tf.tidy(() => model.features(batch.inputIds, batch.attentionMask, false).arraySync());
    const plain = tf.tidy(() => model.logits(batch.inputIds, batch.attentionMask, false).arraySync());
    const pooled = tf.tidy(() => Array.from(puForward(model, batch, pairs, 'pooled', false).mixedLogits!.dataSync()));
    const logit = tf.tidy(() => Array.from(puForward(model, batch, pairs, 'logit', false).mixedLogits!.dataSync()));
    const expectedPooled = pairs.map((pr) =>
      tf.tidy(() => {
        const f = tf.tensor2d([feats[pr.u]!.map((x, i) => pr.mu * x + (1 - pr.mu) * feats[pr.p]![i]!)]);
        return (model.logitsFromFeatures(f, false).arraySync() as number[][])[0]![pr.label]!;
      }),
    );
    close(pooled, expectedPooled);
    close(logit, pairs.map((pr) => pr.mu * plain[pr.u]![pr.label]! + (1 - pr.mu) * plain[pr.p]![pr.label]!));
    disposeBatch(batch);
    model.dispose();
  });

  it('without pairs it is a plain forward pass', () => {
    const model = toyClassifier(10, 4, 3);
    const batch = makeTokenBatch(corpus, [0, 1], 0);
    const r = tf.tidy(() => {
      const out = puForward(model, batch, [], 'embedding', false);
      expect(out.mixedLogits).toBeUndefined();
      return out.logits.shape;
    });
    expect(r).toEqual([2, 3]);
    disposeBatch(batch);
    model.dispose();
  });

  it('gradients flow through the mixed rows into the embeddings', () => {
    const model = toyClassifier(10, 4, 3);
    const batch = makeTokenBatch(corpus, [0, 1, 2, 3], 0);
    const emb = model.encoder.variables().get('emb')!;
    const g = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(puForward(model, batch, pairs, 'embedding', true).mixedLogits!) as tf.Scalar, [emb]);
      return grads[emb.name]!.abs().sum().dataSync()[0]!;
    });
    expect(g).toBeGreaterThan(0);
    disposeBatch(batch);
    model.dispose();
  });
});
