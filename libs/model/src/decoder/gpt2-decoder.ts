import { Rng, WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Encoder } from '../encoder.ts';
import { layerNorm } from '../transformer/layer-norm.ts';
import { linear } from '../transformer/linear.ts';
import { maskGradient } from '../transformer/mask-gradient.ts';
import { ATTENTION_MASK_FILL } from '../transformer/transformer-encoder.ts';
import { resolveDecoderConfig, validateDecoderConfig, type DecoderConfig } from './decoder-config.ts';
import { decoderParameterSpecs, type DecoderParameterSpec } from './decoder-parameter-specs.ts';
import { geluNew } from './gelu-new.ts';

type Pair = [tf.Variable, tf.Variable];

interface BlockWeights {
  ln1: Pair;
  attn: Pair;
  attnProj: Pair;
  ln2: Pair;
  fc: Pair;
  proj: Pair;
}

let instances = 0;

/**
 * A GPT-2 style causal decoder (transformers 4.30 GPT2Model semantics): learned absolute positions 0..T-1,
 * pre-LayerNorm blocks (ln_1 -> attention -> residual, ln_2 -> MLP -> residual), fused qkv projection, tanh
 * GELU, a final ln_f, and a causal mask combined with the padding mask. Sequences are right-padded, so a
 * row's real tokens never see its padding and `pool` reads the hidden state of the last non-pad token (what
 * GPT2ForSequenceClassification does). Usable wherever an `Encoder` is: classification heads on `pool`,
 * token tagging on `encode` (each token sees its left context only).
 */
export class Gpt2Decoder implements Encoder {
  readonly kind = 'gpt2';
  readonly hiddenSize: number;
  readonly config: Readonly<Required<DecoderConfig>>;
  readonly specs: readonly DecoderParameterSpec[];
  private readonly vars = new Map<string, tf.Variable>();
  private readonly blocks: BlockWeights[] = [];
  private readonly dropoutRng: Rng;
  private disposed = false;

  /** `initial` (HF name -> tensor, e.g. from a checkpoint) supplies weights; the others start like transformers' _init_weights. */
  constructor(config: Required<DecoderConfig>, initial?: ReadonlyMap<string, tf.Tensor>) {
    validateDecoderConfig(config);
    this.config = Object.freeze({ ...config });
    this.hiddenSize = config.hiddenSize;
    this.specs = decoderParameterSpecs(config);
    const root = new Rng(config.seed, `gpt2-${config.seed}`);
    this.dropoutRng = root.derive('dropout');
    const id = instances++;
    for (const spec of this.specs) {
      const given = initial?.get(spec.name);
      if (given && given.shape.join(',') !== spec.shape.join(',')) {
        throw new WorkbenchError('INTERNAL', `initial weight '${spec.name}' has shape [${given.shape}], expected [${spec.shape}]`);
      }
      const value = given ? given.clone() : initialValue(spec, spec.std ?? config.initializerRange, root.derive(spec.name));
      this.vars.set(spec.name, tf.variable(value, true, `gpt2_${id}/${spec.name}`));
      value.dispose();
    }
    const pair = (name: string): Pair => [this.v(`${name}.weight`), this.v(`${name}.bias`)];
    for (let i = 0; i < config.numLayers; i++) {
      const p = `h.${i}`;
      this.blocks.push({ ln1: pair(`${p}.ln_1`), attn: pair(`${p}.attn.c_attn`), attnProj: pair(`${p}.attn.c_proj`), ln2: pair(`${p}.ln_2`), fc: pair(`${p}.mlp.c_fc`), proj: pair(`${p}.mlp.c_proj`) });
    }
  }

  /** A fresh decoder from a preset ('tiny', 'mini', 'small', 'gpt2') and overrides. */
  static create(preset?: string, overrides: DecoderConfig = {}): Gpt2Decoder {
    return new Gpt2Decoder(resolveDecoderConfig(preset, overrides));
  }

  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  embed(inputIds: tf.Tensor2D, options: { training?: boolean } = {}): tf.Tensor3D {
    this.checkAlive();
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    if (seq > c.maxPositions) throw new WorkbenchError('CONFIG_INVALID', `sequence length ${seq} exceeds the ${c.maxPositions} positions of this gpt2 model (maxPositions)`);
    return tf.tidy(() => {
      const H = c.hiddenSize;
      const flat = inputIds.reshape([-1]);
      // Pad rows of wte get no gradient: their embedding never reaches a real token's output anyway.
      const keep = tf.notEqual(flat, c.padTokenId).toFloat().reshape([-1, 1]);
      const tokens = maskGradient(tf.gather(this.v('wte.weight'), flat), keep).reshape([batch, seq, H]);
      const positions = this.v('wpe.weight').slice([0, 0], [seq, H]);
      return this.dropout(tokens.add(positions), c.embeddingDropout, options.training) as tf.Tensor3D;
    });
  }

  encode(embeddings: tf.Tensor3D, attentionMask: tf.Tensor2D, options: { training?: boolean } = {}): tf.Tensor3D {
    this.checkAlive();
    const [batch, seq, H] = embeddings.shape;
    const c = this.config;
    return tf.tidy(() => {
      // One additive bias [batch, 1, seq, seq]: a key is visible iff it is not in the future and not padding.
      // Combining before scaling keeps fully-masked rows finite (uniform, never NaN).
      const causal = tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0).reshape([1, 1, seq, seq]);
      const keys = attentionMask.toFloat().reshape([batch, 1, 1, seq]);
      const bias = tf.sub(1, tf.mul(causal, keys)).mul(ATTENTION_MASK_FILL) as tf.Tensor4D;
      let x = embeddings.reshape([batch * seq, H]) as tf.Tensor2D;
      for (const block of this.blocks) x = this.block(x, block, bias, batch, seq, options.training);
      const [w, b] = [this.v('ln_f.weight'), this.v('ln_f.bias')];
      return layerNorm(x, w as tf.Tensor1D, b as tf.Tensor1D, c.layerNormEps).reshape([batch, seq, H]) as tf.Tensor3D;
    });
  }

  /** The hidden state of each row's last token with mask 1 (right padding); an empty row reads position 0. */
  pool(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor2D {
    this.checkAlive();
    const [, seq] = attentionMask.shape;
    return tf.tidy(() => {
      const last = tf.maximum(tf.sub(tf.sum(attentionMask.toFloat(), 1), 1), 0).toInt();
      const pick = tf.oneHot(last, seq).toFloat().expandDims(2);
      return tf.sum(tf.mul(hidden, pick), 1) as tf.Tensor2D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.vars.values()) v.dispose();
    this.disposed = true;
  }

  private block(x: tf.Tensor2D, w: BlockWeights, bias: tf.Tensor4D, batch: number, seq: number, training?: boolean): tf.Tensor2D {
    const c = this.config;
    const H = c.hiddenSize;
    const A = c.numHeads;
    const D = H / A;
    const h = layerNorm(x, w.ln1[0] as tf.Tensor1D, w.ln1[1] as tf.Tensor1D, c.layerNormEps);
    const qkv = linear(h, w.attn[0], w.attn[1]);
    const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const heads = (t: tf.Tensor2D, perm: number[]): tf.Tensor4D => t.reshape([batch, seq, A, D]).transpose(perm) as tf.Tensor4D;
    const scores = tf.matMul(heads(q.mul(1 / Math.sqrt(D)) as tf.Tensor2D, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])).add(bias);
    const probs = this.dropout(tf.softmax(scores), c.attentionDropout, training);
    const context = tf.matMul(probs as tf.Tensor4D, heads(v, [0, 2, 1, 3])).transpose([0, 2, 1, 3]).reshape([batch * seq, H]) as tf.Tensor2D;
    const x1 = x.add(this.dropout(linear(context, w.attnProj[0], w.attnProj[1]), c.residualDropout, training)) as tf.Tensor2D;
    const h2 = layerNorm(x1, w.ln2[0] as tf.Tensor1D, w.ln2[1] as tf.Tensor1D, c.layerNormEps);
    const mlp = linear(geluNew(linear(h2, w.fc[0], w.fc[1])) as tf.Tensor2D, w.proj[0], w.proj[1]);
    return x1.add(this.dropout(mlp, c.residualDropout, training)) as tf.Tensor2D;
  }

  private dropout<T extends tf.Tensor>(x: T, rate: number, training?: boolean): T {
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, this.dropoutRng.seedInt()) as T;
  }

  private v(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new WorkbenchError('INTERNAL', `gpt2 weight '${name}' does not exist`);
    return v;
  }

  private checkAlive(): void {
    if (this.disposed) throw new WorkbenchError('INTERNAL', 'this Gpt2Decoder has been disposed');
  }
}

function initialValue(spec: DecoderParameterSpec, std: number, rng: Rng): tf.Tensor {
  if (spec.init === 'zeros') return tf.zeros(spec.shape);
  if (spec.init === 'ones') return tf.ones(spec.shape);
  const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, std);
  return tf.tensor(data, spec.shape);
}
