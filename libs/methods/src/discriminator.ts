import { applyLinear, createLinear } from '@workbench/model';
import { tf } from '@workbench/tensor';

/**
 * The domain discriminator of AAD and DANN: H -> W -> LeakyReLU -> W -> LeakyReLU -> 1 (a logit; sigmoid in
 * the loss). The paper uses W = 3072 for BERT-base (4x its hidden size).
 */
export class Discriminator {
  private readonly vars: Map<string, tf.Variable>;

  constructor(inputSize: number, width: number, seed: number, name = 'discriminator') {
    const std = Math.sqrt(2 / inputSize);
    this.vars = new Map([
      ...createLinear('fc1', inputSize, width, std, seed, name),
      ...createLinear('fc2', width, width, Math.sqrt(2 / width), seed + 1, name),
      ...createLinear('out', width, 1, Math.sqrt(1 / width), seed + 2, name),
    ]);
  }

  /** features [N, H] -> logits [N]. */
  apply(features: tf.Tensor2D): tf.Tensor1D {
    const v = (k: string): tf.Variable => this.vars.get(k) as tf.Variable;
    // LeakyReLU slope 0.01: PyTorch's default, as the reference discriminator.
    const h1 = tf.leakyRelu(applyLinear(features, v('fc1.weight'), v('fc1.bias')), 0.01) as tf.Tensor2D;
    const h2 = tf.leakyRelu(applyLinear(h1, v('fc2.weight'), v('fc2.bias')), 0.01) as tf.Tensor2D;
    return tf.reshape(applyLinear(h2, v('out.weight'), v('out.bias')), [-1]);
  }

  variables(): Map<string, tf.Variable> {
    return this.vars;
  }

  dispose(): void {
    tf.dispose([...this.vars.values()]);
  }
}

/** A discriminator for a model's pooled features; width 0 = 4x the hidden size (3072 for BERT-base, as the paper). */
export function discriminatorFor(hiddenSize: number, width: number, seed: number): Discriminator {
  return new Discriminator(hiddenSize, width > 0 ? width : 4 * hiddenSize, seed);
}
