import type { Encoder, Head } from '@workbench/model';
import { tf } from '@workbench/tensor';
import { MultiLabelClassifier } from '../src/classifier.ts';

/**
 * A toy backbone implementing the Encoder contract for method tests: embedding lookup, one tanh layer
 * that mixes positions through the mask (so padding and masks matter), masked-mean pooling, linear head.
 */
export function toyClassifier(vocab: number, hidden: number, labels: number, seed = 1): MultiLabelClassifier {
  const table = tf.variable(tf.randomNormal([vocab, hidden], 0, 0.5, 'float32', seed), true, `toy-emb-${seed}-${Math.random()}`);
  const w = tf.variable(tf.randomNormal([hidden, hidden], 0, 0.5, 'float32', seed + 1), true);
  const hw = tf.variable(tf.randomNormal([hidden, labels], 0, 0.5, 'float32', seed + 2), true);
  const hb = tf.variable(tf.zeros([labels]), true);
  const encoder: Encoder = {
    kind: 'toy',
    hiddenSize: hidden,
    embed: (ids) => tf.gather(table, ids) as tf.Tensor3D,
    encode: (e, mask) =>
      tf.tidy(() => {
        // Each position adds the masked mean of the sequence: a padded key that leaked would change outputs.
        const m = mask.expandDims(2);
        const mean = tf.sum(tf.mul(e, m), 1, true).div(tf.sum(m, 1, true).maximum(1));
        return tf.tanh(tf.add(e, mean).reshape([-1, hidden]).matMul(w)).reshape(e.shape) as tf.Tensor3D;
      }),
    pool: (h, mask) =>
      tf.tidy(() => {
        const m = mask.expandDims(2);
        return tf.sum(tf.mul(h, m), 1).div(tf.sum(m, 1).maximum(1)) as tf.Tensor2D;
      }),
    variables: () => new Map([['emb', table], ['w', w]]),
    dispose: () => tf.dispose([table, w]),
  };
  const head: Head = {
    kind: 'multi-label',
    outputSize: labels,
    apply: (x) => tf.add(tf.matMul(x as tf.Tensor2D, hw), hb),
    variables: () => new Map([['weight', hw], ['bias', hb]]),
    dispose: () => tf.dispose([hw, hb]),
  };
  return new MultiLabelClassifier(encoder, head, 0);
}
