import { tf } from '@workbench/tensor';

/** A parameter whose gradient is collected row by row (an embedding table touched by a few ids per step). */
export interface SparseParameter {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** The parameter itself, row-major [rows, dim]; the optimizer updates touched rows in place. */
  readonly weight: Float32Array;
  /** Rows touched since the last `clearGradient` and their summed gradient rows, [touched.length, dim]. */
  gradient(): { rows: Int32Array; values: Float32Array };
  clearGradient(): void;
}

interface TapeState {
  anchor: tf.Variable;
  touched: Set<SparseParameter>;
}

let anchor: tf.Variable | undefined;
let active: TapeState | undefined;

/**
 * While `fn` runs, sparse parameters looked up inside it route their gradients to their own row accumulators
 * instead of through a dense [rows, dim] tensor (the cost that made a 4M-float table take 100-200 ms per step on
 * wasm). tf.variableGrads only differentiates towards variables listed before the loss runs, so every sparse
 * lookup hangs off one scalar "anchor" variable that `fn` must list: its gradient is always zero.
 */
export function withSparseTape<T>(fn: (anchorVariable: tf.Variable) => T): { result: T; touched: SparseParameter[] } {
  if (active) throw new Error('withSparseTape: already inside a sparse gradient tape (nested gradient computations are not supported)');
  anchor ??= tf.tidy(() => tf.variable(tf.scalar(0), true, 'workbench/sparse-gradient-anchor'));
  const state: TapeState = { anchor, touched: new Set() };
  active = state;
  try {
    const result = fn(state.anchor);
    return { result, touched: [...state.touched] };
  } finally {
    active = undefined;
  }
}

/** The anchor to hang a sparse lookup on, when a gradient is being recorded; `undefined` otherwise. */
export function sparseTapeAnchor(parameter: SparseParameter): tf.Variable | undefined {
  if (!active) return undefined;
  active.touched.add(parameter);
  return active.anchor;
}

/** The anchor variable's name (so callers can drop its always-zero gradient). */
export function isSparseAnchor(v: tf.Variable): boolean {
  return v === anchor;
}
