import { Rng, resolveConfig, WorkbenchError, type DeepPartial } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Head } from '../encoder.ts';
import { gelu } from '../transformer/gelu.ts';
import { layerNorm } from '../transformer/layer-norm.ts';
import { applyLinear, createLinear } from './linear-layer.ts';
import { maskedCrossEntropy } from './masked-cross-entropy.ts';

export interface MaskedLmHeadConfig {
  hiddenSize?: number;
  vocabSize?: number;
  layerNormEps?: number;
  initStd?: number;
  seed?: number;
}

export const DEFAULT_MASKED_LM_HEAD: Required<MaskedLmHeadConfig> = {
  hiddenSize: 0,
  vocabSize: 0,
  layerNormEps: 1e-12,
  initStd: 0.02,
  seed: 0,
};

let instances = 0;

/**
 * BERT's masked-LM head (BertOnlyMLMHead): transform = dense(hidden -> hidden) + exact GELU + LayerNorm, then a
 * decoder to the vocabulary plus a bias. The decoder is tied to the encoder's word embeddings [vocab, hidden]
 * when `tiedEmbeddings` is given (as BERT; the head then owns only the bias), else its own [hidden, vocab]
 * kernel `cls.predictions.decoder.weight`. Input: hidden states [..., hidden]; output: logits [..., vocab].
 */
export class MaskedLmHead implements Head {
  readonly kind = 'masked-lm';
  readonly config: Required<MaskedLmHeadConfig>;
  readonly outputSize: number;
  private readonly vars = new Map<string, tf.Variable>();

  constructor(config: DeepPartial<MaskedLmHeadConfig>, private readonly tiedEmbeddings?: tf.Variable) {
    this.config = resolveConfig(DEFAULT_MASKED_LM_HEAD, config, { where: { path: 'head' } });
    const { hiddenSize: h, vocabSize: v, initStd, seed } = this.config;
    for (const key of ['hiddenSize', 'vocabSize'] as const) {
      const n = this.config[key];
      if (!Number.isInteger(n) || n <= 0) throw new WorkbenchError('CONFIG_TYPE', `${key} must be a positive integer, got ${n}`, { where: { path: `head.${key}` } });
    }
    if (tiedEmbeddings && (tiedEmbeddings.shape[0] !== v || tiedEmbeddings.shape[1] !== h)) {
      throw new WorkbenchError('CONFIG_INVALID', `tied word embeddings are [${tiedEmbeddings.shape}], expected [${v}, ${h}] (vocabSize, hiddenSize)`, { where: { path: 'head' } });
    }
    this.outputSize = v;
    const rng = new Rng(seed, `masked-lm-head-${seed}`);
    const tfPrefix = `mlm${instances++}`;
    for (const [name, variable] of createLinear('cls.predictions.transform.dense', h, h, initStd, rng.derive('transform').seedInt(), tfPrefix)) this.vars.set(name, variable);
    this.vars.set('cls.predictions.transform.LayerNorm.weight', tf.tidy(() => tf.variable(tf.ones([h]), true, `${tfPrefix}/ln.weight`)));
    this.vars.set('cls.predictions.transform.LayerNorm.bias', tf.tidy(() => tf.variable(tf.zeros([h]), true, `${tfPrefix}/ln.bias`)));
    if (!tiedEmbeddings) {
      const decoder = createLinear('cls.predictions.decoder', h, v, initStd, rng.derive('decoder').seedInt(), tfPrefix);
      this.vars.set('cls.predictions.decoder.weight', decoder.get('cls.predictions.decoder.weight') as tf.Variable);
      (decoder.get('cls.predictions.decoder.bias') as tf.Variable).dispose(); // BERT's decoder bias is cls.predictions.bias
    }
    this.vars.set('cls.predictions.bias', tf.tidy(() => tf.variable(tf.zeros([v]), true, `${tfPrefix}/cls.predictions.bias`)));
  }

  get tied(): boolean {
    return this.tiedEmbeddings !== undefined;
  }

  apply(input: tf.Tensor, _options: { training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const { hiddenSize: h, layerNormEps } = this.config;
      if (input.shape[input.shape.length - 1] !== h) throw new WorkbenchError('CONFIG_INVALID', `masked-LM head expects hidden states of size ${h}, got [${input.shape}]`);
      const v = (name: string): tf.Variable => this.vars.get(name) as tf.Variable;
      const x = input.reshape([-1, h]) as tf.Tensor2D;
      const dense = applyLinear(x, v('cls.predictions.transform.dense.weight'), v('cls.predictions.transform.dense.bias'));
      const t = layerNorm(gelu(dense) as tf.Tensor2D, v('cls.predictions.transform.LayerNorm.weight') as tf.Tensor1D, v('cls.predictions.transform.LayerNorm.bias') as tf.Tensor1D, layerNormEps);
      const logits = this.tiedEmbeddings
        ? tf.add(tf.matMul(t, this.tiedEmbeddings, false, true), v('cls.predictions.bias'))
        : applyLinear(t, v('cls.predictions.decoder.weight'), v('cls.predictions.bias'));
      return logits.reshape([...input.shape.slice(0, -1), this.outputSize]);
    });
  }

  /** Cross-entropy over the masked positions only (labels -100 elsewhere, as `maskTokens` makes them). */
  loss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return maskedCrossEntropy(logits, labels);
  }

  /** The head's own weights (a tied decoder belongs to the encoder and is not listed). */
  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  dispose(): void {
    for (const variable of this.vars.values()) variable.dispose();
    this.vars.clear();
  }
}
