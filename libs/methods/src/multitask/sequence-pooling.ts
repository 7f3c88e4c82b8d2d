import { Registry } from '@workbench/core';
import type { Encoder } from '@workbench/model';
import { tf } from '@workbench/tensor';

/** How a classification head reads one vector per row from the backbone's hidden states. */
export type PoolingName = 'auto' | 'native' | 'mean' | 'first';

export interface SequencePooling {
  name: Exclude<PoolingName, 'auto'>;
  description: string;
  /** Encoder weights this pooling leaves unused (not trained, not counted, not saved). */
  unusedWeights(encoder: Encoder): (name: string) => boolean;
  pool(encoder: Encoder, hidden: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D;
}

const isBert = (encoder: Encoder): boolean => encoder.kind === 'bert' || encoder.kind === 'roberta';
const bertPooler = (encoder: Encoder) => (name: string) => isBert(encoder) && name.startsWith('pooler.');

/**
 * The poolings a multi-task model can use. 'native' is the backbone's own (BERT: dense + tanh on [CLS];
 * GPT-2: last non-pad token); 'mean' averages the non-pad hidden states; 'first' reads the first token
 * ([CLS]) without BERT's pooler.
 */
export const SEQUENCE_POOLINGS = new Registry<SequencePooling>('pooling')
  .register('native', { name: 'native', description: "the backbone's own pooling (BERT: dense + tanh on [CLS]; GPT-2: last non-pad token)", unusedWeights: () => () => false, pool: (e, h, m, training) => e.pool(h, m, { training }) })
  .register('mean', {
    name: 'mean',
    description: 'mean of the hidden states of the non-pad tokens',
    unusedWeights: bertPooler,
    pool: (_e, h, m) =>
      tf.tidy(() => {
        const w = m.toFloat().expandDims(2);
        // An all-pad row divides by 1, not 0.
        return h.mul(w).sum(1).div(tf.maximum(w.sum(1), 1)) as tf.Tensor2D;
      }),
  })
  .register('first', {
    name: 'first',
    description: 'the first token (BERT: [CLS]) without a pooler layer',
    unusedWeights: bertPooler,
    pool: (_e, h) => tf.tidy(() => h.slice([0, 0, 0], [h.shape[0], 1, h.shape[2]]).reshape([h.shape[0], h.shape[2]]) as tf.Tensor2D),
  });

/**
 * 'auto': mean pooling for an encoder, the last non-pad token for a decoder (the only position that has read
 * the whole row under a causal mask). Why not BERT's [CLS] pooler for an encoder trained from scratch: its
 * dense + tanh layer starts at N(0, 0.02), so the head reads a vector ~0.02 sqrt(hidden) in scale and the
 * backbone receives its gradient through two near-zero matrices; on debtags-dev validation the tiny encoder
 * stayed on the majority section for 3 epochs with it (0.36 accuracy at lr 1e-3, 0.38 at 3e-3; mean pooling
 * 0.49 / 0.72). The pooler is the right choice for a checkpoint whose pooler was pre-trained: ask for 'native'.
 */
export function resolvePooling(name: PoolingName, encoder: Encoder): SequencePooling {
  if (name !== 'auto') return SEQUENCE_POOLINGS.get(name, { path: 'backbone.pooling' });
  return SEQUENCE_POOLINGS.get(isBert(encoder) ? 'mean' : 'native');
}
