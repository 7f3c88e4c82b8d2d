import type { ErrorLocation } from '@workbench/core';
import type { tf } from '@workbench/tensor';

/**
 * The named tensors a loss can read. Each loss declares which it requires; one bag (instead of one signature
 * per loss) is what lets methods pick a loss by name from the registry.
 * Shapes: B rows, L labels, M mixed rows, N discriminator rows.
 */
export interface LossInputs {
  /** [B, L] classifier logits (s = sigmoid(logits)). */
  logits?: tf.Tensor;
  /** [B, L] observed labels in {0, 1}: 1 = observed positive (P), 0 = unlabelled or negative (U). */
  labels?: tf.Tensor;
  /** [B, L] 1 = the entry counts, 0 = ignored (padding rows, labels absent from a task). */
  mask?: tf.Tensor;
  /** [L] or [B, L] multiplicative weights of each entry's loss. */
  labelWeights?: tf.Tensor;
  /** [B, L] 1 = the entry's label is known (positive or negative), 0 = unobserved (assume-negative-bce). */
  observed?: tf.Tensor;
  /** [M] logit of each MixUp row at the label it was mixed for. */
  mixedLogits?: tf.Tensor;
  /** [M] MixUp targets phi (see `mixupTargets`). */
  targets?: tf.Tensor;
  /** [M] int32: the label each MixUp row was mixed for (only for per-label parts). */
  labelIndex?: tf.Tensor;
  /** [B, L] logits of the teacher (distillation); never differentiated. */
  teacherLogits?: tf.Tensor;
  /** [N] or [N, 1] logits of a domain discriminator. */
  domainLogits?: tf.Tensor;
  /** [N] or [N, 1] domain labels: 1 = source, 0 = target. */
  domainLabels?: tf.Tensor;
}

export type LossInputName = keyof LossInputs;

/**
 * What a loss returns. The caller owns (and must dispose) every tensor in it. Inside a gradient closure
 * (`optimizer.minimize`, `tf.variableGrads`) everything but the returned scalar is disposed at its end:
 * `tf.keep` the parts to log them afterwards.
 */
export interface LossResult {
  /** The scalar to minimise (already multiplied by the config's `weight`). */
  loss: tf.Scalar;
  /** [L] per-label contributions, for logging; they sum to `loss` (up to float rounding). */
  perLabel?: tf.Tensor1D;
  /** Named scalar components (e.g. the U and P terms), for logging; unweighted. */
  parts?: Record<string, tf.Scalar>;
}

/** A registered loss: its defaults, how to validate a user's partial config, which inputs it reads, how to compute it. */
export interface LossDefinition<C extends object = any> {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  readonly defaults: Required<C>;
  readonly requiredInputs: readonly LossInputName[];
  readonly optionalInputs: readonly LossInputName[];
  /** Merges a partial over the defaults (unknown keys rejected) and checks ranges and enum values. */
  resolve(partial?: unknown, where?: ErrorLocation): Required<C>;
  /** Computes the loss; inputs are checked for presence and shape, not for values. */
  compute(inputs: LossInputs, config: Required<C>): LossResult;
}
