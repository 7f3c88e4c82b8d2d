import { lowMemoryVariableGrads, tf } from '@workbench/tensor';
import { withSparseTape, type SparseParameter } from './sparse-gradient-tape.ts';

/** A scalar loss built from the model's variables (called inside the gradient tape; may create tensors freely). */
export type LossFn = () => tf.Scalar;

export interface Gradients {
  loss: number;
  /** Dense gradients by variable name (variables the loss does not use are absent). Owned by the caller. */
  grads: Map<string, tf.Tensor>;
  /** Sparse parameters the loss looked up; their row gradients were ADDED to what they held (accumulation). */
  sparse: SparseParameter[];
}

/**
 * Loss and gradients of every trainable variable in `variables` (name -> variable) and of every sparse parameter
 * (e.g. `NgramEncoder`'s table) looked up by the loss. Leaves no tensor behind except the returned gradients.
 * The backward pass frees activations and intermediate gradients as it goes (see lowMemoryVariableGrads).
 */
export function computeGradients(lossFn: LossFn, variables: Map<string, tf.Variable>): Gradients {
  const trainable = [...variables.entries()].filter(([, v]) => v.trainable);
  const byTfName = new Map(trainable.map(([name, v]) => [v.name, name]));
  const { result, touched } = withSparseTape((anchor) => lowMemoryVariableGrads(lossFn, [...trainable.map(([, v]) => v), anchor]));
  const grads = new Map<string, tf.Tensor>();
  for (const [tfName, g] of Object.entries(result.grads)) {
    const name = byTfName.get(tfName);
    if (name === undefined) g.dispose(); // the sparse anchor's zero gradient
    else grads.set(name, g);
  }
  const loss = result.value.dataSync()[0] as number;
  result.value.dispose();
  return { loss, grads, sparse: touched };
}
