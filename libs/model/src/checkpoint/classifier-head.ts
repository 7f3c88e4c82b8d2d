import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import type { Head } from '../encoder.ts';

let instances = 0;

/**
 * The linear classifier of a Hugging Face *ForSequenceClassification checkpoint (`classifier.weight` [labels,
 * hidden] and `classifier.bias`): pooled [batch, hidden] -> logits [batch, labels]. Kept as an [in, out] kernel.
 * Dropout before it (transformers' classifier dropout) only when training, seeded.
 */
export class ClassifierHead implements Head {
  readonly kind: 'multi-label' | 'multi-class';
  readonly outputSize: number;
  readonly inputSize: number;
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;
  private dropoutSeed: number;

  /** `kernel` is [in, out]; the head copies it and `bias`, the caller keeps ownership. */
  constructor(kind: 'multi-label' | 'multi-class', kernel: tf.Tensor2D, bias: tf.Tensor1D, readonly dropout = 0.1, seed = 0) {
    if (kernel.shape[1] !== bias.shape[0]) {
      throw new WorkbenchError('INTERNAL', `classifier kernel [${kernel.shape}] does not match bias [${bias.shape}]`);
    }
    this.kind = kind;
    [this.inputSize, this.outputSize] = kernel.shape;
    const id = instances++;
    this.weight = tf.variable(kernel, true, `classifier${id}/weight`);
    this.bias = tf.variable(bias, true, `classifier${id}/bias`);
    this.dropoutSeed = seed;
  }

  apply(input: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const x = options.training && this.dropout > 0 ? tf.dropout(input, this.dropout, undefined, this.dropoutSeed++) : input;
      return tf.fused.matMul({ a: x as tf.Tensor2D, b: this.weight as tf.Tensor2D, bias: this.bias }) as tf.Tensor2D;
    });
  }

  /** HF names without prefix: `weight` ([in, out] here, [out, in] in the checkpoint) and `bias`. */
  variables(): Map<string, tf.Variable> {
    return new Map([
      ['weight', this.weight],
      ['bias', this.bias],
    ]);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
