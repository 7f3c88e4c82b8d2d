import { Rng, WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Encoder } from '../encoder.ts';
import { dropout } from './dropout-mask.ts';
import { feedForward } from './feed-forward.ts';
import { layerNorm } from './layer-norm.ts';
import { linear } from './linear.ts';
import { maskGradient } from './mask-gradient.ts';
import { localShape, transformerParameterSpecs, type ParameterSpec } from './parameter-specs.ts';
import { robertaPositionIds } from './position-ids.ts';
import { residualLayerNorm } from './residual-layer-norm.ts';
import { selfAttention } from './self-attention.ts';
import { maxSequenceLength, resolveTransformerConfig, validateTransformerConfig, type TransformerConfig } from './transformer-config.ts';

/** transformers 4.30 fills masked attention scores with torch.finfo(float32).min (padded keys get probability 0). */
export const ATTENTION_MASK_FILL = -3.4028234663852886e38;

/**
 * Attention scores materialised at once by default (4M floats, 16 MB): a batch is processed in chunks of whole
 * sequences below this, so memory does not grow with batch x heads x seq^2 (results do not depend on it).
 */
export const DEFAULT_ATTENTION_CHUNK_ELEMENTS = 1 << 22;

/** What `forward` returns: both owned by the caller. */
export interface TransformerOutput {
  lastHiddenState: tf.Tensor3D;
  poolerOutput: tf.Tensor2D;
}

export interface ForwardInputs {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
  training?: boolean;
}

interface LayerWeights {
  q: [tf.Variable, tf.Variable];
  k: [tf.Variable, tf.Variable];
  v: [tf.Variable, tf.Variable];
  attnOut: [tf.Variable, tf.Variable];
  attnNorm: [tf.Variable, tf.Variable];
  inter: [tf.Variable, tf.Variable];
  out: [tf.Variable, tf.Variable];
  outNorm: [tf.Variable, tf.Variable];
}

/** Dropout seeds of a layer's attention probabilities, attention output and feed-forward output (undefined: none). */
type LayerSeeds = [number | undefined, number | undefined, number | undefined];

/** The order in which a layer's weight pairs are passed to its checkpointed op. */
const LAYER_PARTS = ['q', 'k', 'v', 'attnOut', 'attnNorm', 'inter', 'out', 'outNorm'] as const;

let instances = 0;

/**
 * A BERT or RoBERTa encoder (transformers 4.30 semantics): learned absolute positions (BERT: 0..T-1; RoBERTa:
 * counted from the input ids, pads at padTokenId), token types, post-LayerNorm layers with exact erf GELU,
 * additive attention mask with the float32 minimum, and the [CLS] pooler (dense + tanh). Dropout only when
 * `training`, with masks drawn from a seeded stream. Weights are tf.Variables keyed by their HF names; Linear
 * weights are stored as [in, out] kernels (the checkpoint code transposes).
 */
export class TransformerEncoder implements Encoder {
  readonly kind: 'bert' | 'roberta';
  readonly hiddenSize: number;
  readonly config: Readonly<Required<TransformerConfig>>;
  readonly specs: readonly ParameterSpec[];
  /** See DEFAULT_ATTENTION_CHUNK_ELEMENTS: a memory/speed knob, not part of the architecture (no effect on results). */
  attentionChunkElements = DEFAULT_ATTENTION_CHUNK_ELEMENTS;
  /**
   * Dropout on the first token's features before the pooler's dense layer, in training: 0 for BERT's pooler;
   * set when a RobertaForSequenceClassification checkpoint is loaded (its classification head, whose dense layer
   * our pooler holds, starts with dropout).
   */
  poolerInputDropout = 0;
  /**
   * Recompute each layer in the backward pass, keeping only layer inputs (Hugging Face's
   * gradient_checkpointing_enable()): for models whose activations do not fit (BERT-base at batch 64 on wasm),
   * at the cost of about one more forward pass. Same results. Needs the workbench's gradient computation
   * (computeGradients / trainStep): tfjs's own tf.variableGrads cannot run a nested tape in a backward pass.
   */
  gradientCheckpointing = false;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly layers: LayerWeights[] = [];
  private readonly dropoutRng: Rng;
  private disposed = false;

  /**
   * A new encoder. `initial` (HF name -> tensor in our layout, e.g. from a checkpoint) supplies weights; missing
   * ones are initialised like transformers' _init_weights (normal(0, initializerRange), zero biases and padding
   * rows, unit LayerNorm weights) from the seed. The encoder copies what it is given; the caller keeps ownership.
   */
  constructor(config: Required<TransformerConfig>, initial?: ReadonlyMap<string, tf.Tensor>) {
    validateTransformerConfig(config);
    this.config = Object.freeze({ ...config });
    this.kind = config.modelType;
    this.hiddenSize = config.hiddenSize;
    this.specs = transformerParameterSpecs(config);
    const root = new Rng(config.seed, `transformer-${config.seed}`);
    this.dropoutRng = root.derive('dropout');
    const id = instances++;
    for (const spec of this.specs) {
      const given = initial?.get(spec.name);
      const shape = localShape(spec);
      if (given && !sameShape(given.shape, shape)) {
        throw new WorkbenchError('INTERNAL', `initial weight '${spec.name}' has shape [${given.shape}], expected [${shape}]`);
      }
      const value = given ? given.clone() : initialValue(spec, shape, config.initializerRange, root.derive(spec.name));
      this.vars.set(spec.name, tf.variable(value, true, `transformer${id}/${spec.name}`));
      value.dispose();
    }
    const pair = (name: string): [tf.Variable, tf.Variable] => [this.v(`${name}.weight`), this.v(`${name}.bias`)];
    for (let i = 0; i < config.numLayers; i++) {
      const p = `encoder.layer.${i}`;
      this.layers.push({
        q: pair(`${p}.attention.self.query`),
        k: pair(`${p}.attention.self.key`),
        v: pair(`${p}.attention.self.value`),
        attnOut: pair(`${p}.attention.output.dense`),
        attnNorm: pair(`${p}.attention.output.LayerNorm`),
        inter: pair(`${p}.intermediate.dense`),
        out: pair(`${p}.output.dense`),
        outNorm: pair(`${p}.output.LayerNorm`),
      });
    }
  }

  /** A fresh encoder from a preset ('tiny', 'mini', 'small', 'base') and overrides. */
  static create(preset?: string, overrides: TransformerConfig = {}): TransformerEncoder {
    return new TransformerEncoder(resolveTransformerConfig(preset, overrides));
  }

  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  embed(inputIds: tf.Tensor2D, options: { tokenTypeIds?: tf.Tensor2D; training?: boolean } = {}): tf.Tensor3D {
    this.checkAlive();
    const c = this.config;
    const [batch, seq] = inputIds.shape;
    const limit = maxSequenceLength(this.config);
    if (seq > limit) {
      throw new WorkbenchError('CONFIG_INVALID', `sequence length ${seq} exceeds the ${limit} positions of this ${c.modelType} model (maxPositions ${c.maxPositions})`);
    }
    return tf.tidy(() => {
      const H = c.hiddenSize;
      const flatIds = inputIds.reshape([-1]);
      // Padding tokens receive no gradient in the word table (and, for RoBERTa, in the position table).
      const keep = tf.notEqual(flatIds, c.padTokenId).toFloat().reshape([-1, 1]);
      let sum = maskGradient(tf.gather(this.v('embeddings.word_embeddings.weight'), flatIds), keep) as tf.Tensor2D;
      const positionTable = this.v('embeddings.position_embeddings.weight');
      if (c.modelType === 'roberta') {
        const positions = robertaPositionIds(inputIds, c.padTokenId).reshape([-1]);
        sum = sum.add(maskGradient(tf.gather(positionTable, positions), keep));
      } else {
        // BERT: rows 0..seq-1 for every sequence, broadcast over the batch (a slice, not a gather).
        sum = sum.reshape([batch, seq, H]).add(positionTable.slice([0, 0], [seq, H])).reshape([batch * seq, H]);
      }
      const typeTable = this.v('embeddings.token_type_embeddings.weight');
      if (options.tokenTypeIds && c.typeVocabSize > 1) {
        sum = sum.add(tf.gather(typeTable, options.tokenTypeIds.reshape([-1])));
      } else {
        sum = sum.add(typeTable.slice([0, 0], [1, H]));
      }
      const [w, b] = [this.v('embeddings.LayerNorm.weight'), this.v('embeddings.LayerNorm.bias')];
      const normed = layerNorm(sum, w as tf.Tensor1D, b as tf.Tensor1D, c.layerNormEps);
      return this.dropout(normed, c.hiddenDropout, options.training).reshape([batch, seq, H]) as tf.Tensor3D;
    });
  }

  encode(embeddings: tf.Tensor3D, attentionMask: tf.Tensor2D, options: { training?: boolean } = {}): tf.Tensor3D {
    this.checkAlive();
    const [batch, seq, H] = embeddings.shape;
    return tf.tidy(() => {
      // Additive bias [batch, 1, 1, seq]: 0 for kept keys, the float32 minimum for padded keys.
      const maskBias = tf.sub(1, attentionMask.toFloat()).mul(ATTENTION_MASK_FILL).reshape([batch, 1, 1, seq]);
      let x = embeddings.reshape([batch * seq, H]) as tf.Tensor2D;
      for (const layer of this.layers) {
        const input = x;
        // One scope per layer: its temporaries go now, not at the end of the encoder (the tape keeps what it needs).
        x = tf.tidy(() => this.layer(input, layer, maskBias as tf.Tensor4D, batch, seq, options.training));
      }
      return x.reshape([batch, seq, H]) as tf.Tensor3D;
    });
  }

  pool(hidden: tf.Tensor3D, _attentionMask?: tf.Tensor2D, options: { training?: boolean } = {}): tf.Tensor2D {
    this.checkAlive();
    const [batch, , H] = hidden.shape;
    return tf.tidy(() => {
      const cls = hidden.slice([0, 0, 0], [batch, 1, H]).reshape([batch, H]) as tf.Tensor2D;
      return tf.tanh(this.dense(this.dropout(cls, this.poolerInputDropout, options.training), 'pooler.dense')) as tf.Tensor2D;
    });
  }

  /** embed -> encode -> pool in one call. */
  forward(inputs: ForwardInputs): TransformerOutput {
    return tf.tidy(() => {
      const training = inputs.training ?? false;
      const emb = this.embed(inputs.inputIds, { tokenTypeIds: inputs.tokenTypeIds, training });
      const lastHiddenState = this.encode(emb, inputs.attentionMask, { training });
      return { lastHiddenState, poolerOutput: this.pool(lastHiddenState, inputs.attentionMask, { training }) };
    });
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.vars.values()) v.dispose();
    this.disposed = true;
  }

  /**
   * One post-LayerNorm layer from fused ops (self-attention, LayerNorm(dropout(a) + residual), feed-forward) whose
   * backward passes keep about a quarter of what the stock ops keep on the tape; same values as the stock ops,
   * dropout masks included (drawn in the same order from the same seeds).
   */
  private layer(x: tf.Tensor2D, w: LayerWeights, maskBias: tf.Tensor4D, batch: number, seq: number, training?: boolean): tf.Tensor2D {
    const c = this.config;
    const seed = (rate: number): number | undefined => (training && rate > 0 ? this.dropoutRng.seedInt() : undefined);
    const seeds: LayerSeeds = [seed(c.attentionDropout), seed(c.hiddenDropout), seed(c.hiddenDropout)];
    if (this.gradientCheckpointing && training) return this.checkpointedLayer(x, w, maskBias, batch, seq, seeds);
    return this.layerWith(x, w, maskBias, batch, seq, seeds);
  }

  private layerWith(x: tf.Tensor2D, w: LayerWeights, maskBias: tf.Tensor4D, batch: number, seq: number, seeds: LayerSeeds): tf.Tensor2D {
    const c = this.config;
    const context = selfAttention(dense(x, w.q), dense(x, w.k), dense(x, w.v), maskBias, {
      batch,
      seq,
      heads: c.numHeads,
      dropoutRate: c.attentionDropout,
      dropoutSeed: seeds[0],
      chunkElements: this.attentionChunkElements,
    });
    const h1 = residualLayerNorm(dense(context, w.attnOut), x, w.attnNorm[0], w.attnNorm[1], c.layerNormEps, c.hiddenDropout, seeds[1]);
    const out = feedForward(h1, w.inter[0], w.inter[1], w.out[0], w.out[1]);
    return residualLayerNorm(out, h1, w.outNorm[0], w.outNorm[1], c.layerNormEps, c.hiddenDropout, seeds[2]);
  }

  /**
   * The layer as one op that keeps only its input for the backward pass, where it runs the layer again (same
   * dropout seeds, so the same values) under its own tape and back-propagates through it: the activations of
   * one layer at a time instead of all of them, for about one more forward pass.
   */
  private checkpointedLayer(x: tf.Tensor2D, w: LayerWeights, maskBias: tf.Tensor4D, batch: number, seq: number, seeds: LayerSeeds): tf.Tensor2D {
    const flat = LAYER_PARTS.flatMap((k) => w[k]);
    const rebuild = (ts: tf.Tensor[]): LayerWeights =>
      Object.fromEntries(LAYER_PARTS.map((k, i) => [k, [ts[2 * i], ts[2 * i + 1]]])) as unknown as LayerWeights;
    const run = (input: tf.Tensor, bias: tf.Tensor, ws: tf.Tensor[]): tf.Tensor2D =>
      this.layerWith(input as tf.Tensor2D, rebuild(ws), bias as tf.Tensor4D, batch, seq, seeds);
    // `as any`: tfjs types every customGrad argument as `Tensor | GradSaveFunc`.
    const op = tf.customGrad(((...args: unknown[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [input, bias, ...ws] = args as tf.Tensor[];
      save([input as tf.Tensor, bias as tf.Tensor]);
      return {
        value: run(input as tf.Tensor, bias as tf.Tensor, ws),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, bs] = saved as [tf.Tensor, tf.Tensor];
          const grads = tf.grads((xx: tf.Tensor, ...wws: tf.Tensor[]) => run(xx, bs, wws))([xs, ...ws], dy);
          return [grads[0], tf.zerosLike(bs), ...grads.slice(1)];
        },
      };
    }) as any) as (...t: tf.Tensor[]) => tf.Tensor2D;
    return op(x, maskBias, ...flat);
  }

  private dense(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return linear(x, this.v(`${name}.weight`), this.v(`${name}.bias`));
  }

  private dropout<T extends tf.Tensor>(x: T, rate: number, training?: boolean): T {
    if (!training || rate === 0) return x;
    return dropout(x, rate, this.dropoutRng.seedInt()) as T;
  }

  private v(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new WorkbenchError('INTERNAL', `transformer weight '${name}' does not exist`);
    return v;
  }

  private checkAlive(): void {
    if (this.disposed) throw new WorkbenchError('INTERNAL', 'this TransformerEncoder has been disposed');
  }
}

function dense(x: tf.Tensor2D, [kernel, bias]: [tf.Tensor, tf.Tensor]): tf.Tensor2D {
  return linear(x, kernel, bias);
}

function initialValue(spec: ParameterSpec, shape: number[], std: number, rng: Rng): tf.Tensor {
  if (spec.init === 'zeros') return tf.zeros(shape);
  if (spec.init === 'ones') return tf.ones(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.normal(0, std);
  if (spec.paddingRow !== undefined) data.fill(0, spec.paddingRow * (shape[1] as number), (spec.paddingRow + 1) * (shape[1] as number));
  return tf.tensor(data, shape);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
