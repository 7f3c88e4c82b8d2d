import { Rng, resolveConfig, WorkbenchError, type DeepPartial } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Head } from '../encoder.ts';
import { applyLinear, createLinear } from './linear-layer.ts';
import { maskedCrossEntropy } from './masked-cross-entropy.ts';

export interface ClassificationHeadConfig {
  inputSize?: number;
  /** Labels (multi-label), classes (multi-class) or tags (token tagging). */
  numLabels?: number;
  /** Dropout on the input, training only (BERT's classifier dropout). */
  dropout?: number;
  /** Standard deviation of the kernel initialisation. */
  initStd?: number;
  seed?: number;
}

export const DEFAULT_CLASSIFICATION_HEAD: Required<ClassificationHeadConfig> = {
  inputSize: 0,
  numLabels: 0,
  dropout: 0.1,
  initStd: 0.02,
  seed: 0,
};

let instances = 0;

/**
 * Dropout + linear layer (`classifier.weight` [in, out], `classifier.bias`) on [batch, in] or [batch, seq, in]
 * inputs. The three classification heads differ only in their loss and prediction.
 */
export abstract class ClassificationHead implements Head {
  abstract readonly kind: 'multi-label' | 'multi-class' | 'token-tagging';
  readonly config: Required<ClassificationHeadConfig>;
  readonly outputSize: number;
  private readonly vars: Map<string, tf.Variable>;
  private readonly dropoutRng: Rng;

  constructor(config: DeepPartial<ClassificationHeadConfig>, path: string) {
    this.config = resolveConfig(DEFAULT_CLASSIFICATION_HEAD, config, { where: { path } });
    const c = this.config;
    for (const key of ['inputSize', 'numLabels'] as const) {
      if (!Number.isInteger(c[key]) || c[key] <= 0) throw new WorkbenchError('CONFIG_TYPE', `${key} must be a positive integer, got ${c[key]}`, { where: { path: `${path}.${key}` } });
    }
    if (!(c.dropout >= 0 && c.dropout < 1)) throw new WorkbenchError('CONFIG_TYPE', `dropout must be in [0, 1), got ${c.dropout}`, { where: { path: `${path}.dropout` } });
    this.outputSize = c.numLabels;
    const rng = new Rng(c.seed, `${path}-${c.seed}`);
    this.vars = createLinear('classifier', c.inputSize, c.numLabels, c.initStd, rng.derive('classifier').seedInt(), `head${instances++}`);
    this.dropoutRng = rng.derive('dropout');
  }

  /** Logits [..., numLabels] of an input [..., inputSize]. */
  apply(input: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const inner = input.shape[input.shape.length - 1] as number;
      if (inner !== this.config.inputSize) throw new WorkbenchError('CONFIG_INVALID', `${this.kind} head expects inputs of size ${this.config.inputSize}, got [${input.shape}]`);
      const x = options.training && this.config.dropout > 0 ? tf.dropout(input, this.config.dropout, undefined, this.dropoutRng.seedInt()) : input;
      const logits = applyLinear(x.reshape([-1, inner]) as tf.Tensor2D, this.vars.get('classifier.weight') as tf.Variable, this.vars.get('classifier.bias') as tf.Variable);
      return logits.reshape([...input.shape.slice(0, -1), this.outputSize]);
    });
  }

  /** The training loss of logits against targets (mean): softmax cross-entropy on int32 ids, -100 ignored. */
  loss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
    return maskedCrossEntropy(logits, targets);
  }

  /** Probabilities of logits: softmax over the last axis (multi-label: sigmoid). */
  predict(logits: tf.Tensor): tf.Tensor {
    return tf.softmax(logits);
  }

  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Multi-label: independent sigmoid per label, loss = mean binary cross-entropy on logits (BCEWithLogitsLoss). */
export class MultiLabelHead extends ClassificationHead {
  readonly kind = 'multi-label';
  constructor(config: DeepPartial<ClassificationHeadConfig>) {
    super(config, 'head');
  }
  /** targets: 0/1 floats [batch, labels]. */
  override loss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.losses.sigmoidCrossEntropy(tf.cast(targets, 'float32'), logits) as tf.Scalar);
  }
  override predict(logits: tf.Tensor): tf.Tensor {
    return tf.sigmoid(logits);
  }
}

/** Multi-class: softmax over classes, loss = cross-entropy with integer class ids (ids of -100 are ignored). */
export class MultiClassHead extends ClassificationHead {
  readonly kind = 'multi-class';
  /** Targets of `loss`: int32 class ids [batch]. */
  constructor(config: DeepPartial<ClassificationHeadConfig>) {
    super(config, 'head');
  }
}

/** Token tagging: per-token softmax on hidden states [batch, seq, in]; tags of -100 (pads, sub-words) are ignored. */
export class TokenTaggingHead extends ClassificationHead {
  readonly kind = 'token-tagging';
  /** Targets of `loss`: int32 tag ids [batch, seq], -100 where ignored. */
  constructor(config: DeepPartial<ClassificationHeadConfig>) {
    super(config, 'head');
  }
}
