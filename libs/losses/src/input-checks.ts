import { WorkbenchError } from '@workbench/core';
import type { tf } from '@workbench/tensor';
import type { LossInputName, LossInputs } from './loss-types.ts';

/** The named input, or an error naming the loss and the missing input (a bug in the calling method). */
export function requireInput(inputs: LossInputs, name: LossInputName, loss: string): tf.Tensor {
  const t = inputs[name];
  if (t === undefined) throw new WorkbenchError('INTERNAL', `loss '${loss}' needs the input '${name}', which was not given`);
  return t;
}

/** Fails unless `t` has the given rank. */
export function checkRank(t: tf.Tensor, rank: number, name: string, loss: string): void {
  if (t.rank !== rank) throw new WorkbenchError('INTERNAL', `loss '${loss}': '${name}' must have rank ${rank}, got shape [${t.shape.join(', ')}]`);
}

/** Fails unless `b` has exactly the shape of `a`. */
export function checkSameShape(a: tf.Tensor, aName: string, b: tf.Tensor, bName: string, loss: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new WorkbenchError(
      'INTERNAL',
      `loss '${loss}': '${bName}' has shape [${b.shape.join(', ')}] but '${aName}' has shape [${a.shape.join(', ')}]`,
    );
  }
}

/** Logits [B, L] and labels of the same shape: the inputs of every per-label loss. */
export function logitsAndLabels(inputs: LossInputs, loss: string): { logits: tf.Tensor2D; labels: tf.Tensor2D } {
  const logits = requireInput(inputs, 'logits', loss);
  const labels = requireInput(inputs, 'labels', loss);
  checkRank(logits, 2, 'logits', loss);
  checkSameShape(logits, 'logits', labels, 'labels', loss);
  return { logits: logits as tf.Tensor2D, labels: labels as tf.Tensor2D };
}

/** An optional [B, L] input, checked against the logits' shape. */
export function optionalLike(inputs: LossInputs, name: LossInputName, like: tf.Tensor, loss: string): tf.Tensor | undefined {
  const t = inputs[name];
  if (t !== undefined) checkSameShape(like, 'logits', t, name, loss);
  return t;
}

/** Label weights: [L] (broadcast over rows) or [B, L]. */
export function checkLabelWeights(weights: tf.Tensor | undefined, logits: tf.Tensor, loss: string): void {
  if (weights === undefined) return;
  const [, labels] = logits.shape;
  const ok = (weights.rank === 1 && weights.shape[0] === labels) || (weights.rank === 2 && weights.shape.every((d, i) => d === logits.shape[i]));
  if (!ok) {
    throw new WorkbenchError(
      'INTERNAL',
      `loss '${loss}': 'labelWeights' must have shape [${labels}] or [${logits.shape.join(', ')}], got [${weights.shape.join(', ')}]`,
    );
  }
}
