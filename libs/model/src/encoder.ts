import type { tf } from '@workbench/tensor';
import type { SparseParameter } from './training/sparse-gradient-tape.ts';

/**
 * The forward pass of every backbone, split so a method can interpolate embeddings between two inputs
 * (DALLMi's MixUp): `embed(ids)` -> `encode(embeddings, mask)` -> `pool(hidden, mask)` -> a head.
 * Every tensor returned is owned by the caller (run inside tf.tidy).
 */
export interface Encoder {
  /** 'bert' | 'roberta' | 'gpt2' | 'ngram' ... */
  readonly kind: string;
  readonly hiddenSize: number;
  /** Token embeddings (word + position + type, LayerNorm, dropout in training): [batch, seq, hidden]. */
  embed(inputIds: tf.Tensor2D, options?: { tokenTypeIds?: tf.Tensor2D; training?: boolean }): tf.Tensor3D;
  /** The layers: embeddings [batch, seq, hidden] with a 0/1 attention mask [batch, seq] -> hidden states. */
  encode(embeddings: tf.Tensor3D, attentionMask: tf.Tensor2D, options?: { training?: boolean }): tf.Tensor3D;
  /** One vector per row: [batch, hidden] (BERT pooler on [CLS]; masked mean; last non-pad token...). */
  pool(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D, options?: { training?: boolean }): tf.Tensor2D;
  /** Trainable weights under their Hugging Face names (without a model prefix). */
  variables(): Map<string, tf.Variable>;
  /** Weights kept outside tf.Variables and trained row by row (large embedding tables), if any. */
  sparseParameters?(): SparseParameter[];
  dispose(): void;
}

/** A task head on top of an encoder: pooled [batch, hidden] (or hidden states for tagging) -> logits. */
export interface Head {
  readonly kind: 'multi-label' | 'multi-class' | 'token-tagging' | 'masked-lm';
  readonly outputSize: number;
  apply(input: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  variables(): Map<string, tf.Variable>;
  dispose(): void;
}
