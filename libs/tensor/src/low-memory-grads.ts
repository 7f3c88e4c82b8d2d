import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs's engine (4.22) this walk uses: its tape and scopes are internal, not in the typings. */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string, fn: () => T): T;
}

/**
 * `tf.variableGrads` with a backward pass that frees memory as it goes. tfjs's own walk keeps, until the very
 * end, every tensor the forward pass saved for the backward pass AND the gradient of every intermediate tensor,
 * so a training step's peak is roughly forward activations + all their gradients + the temporaries of custom
 * gradients (a 4 x 256 BERT step on 84 x 128 tokens reached 3.85 GB and exhausted wasm's 4 GiB heap). Here,
 * once a tape node is processed its saved tensors and its outputs' gradients are released (every consumer of an
 * output comes later on the tape, so its gradient is complete by then), and each node's gradient runs in its own
 * scope. Same kernels in the same order as tfjs: the gradients are bit-identical.
 */
export function lowMemoryVariableGrads(f: () => tf.Scalar, varList: tf.Variable[]): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0) throw new Error('lowMemoryVariableGrads: nested gradient computations are not supported');
  const xs = varList.filter((v) => v.trainable);
  if (xs.length === 0) throw new Error('lowMemoryVariableGrads: no trainable variable');
  engine.startTape();
  let y: tf.Scalar;
  let tape: TapeNode[];
  try {
    y = engine.tidy('forward', f);
  } finally {
    engine.endTape();
    tape = engine.state.activeTape ?? [];
    engine.state.activeTape = null;
  }
  try {
    if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error(`lowMemoryVariableGrads: the loss must be a scalar tensor, got rank ${(y as tf.Tensor).rank}`);
    const nodes = filterTape(tape, xs, y);
    const grads = engine.tidy('backward', () => backprop(nodes, xs, y));
    const named: Record<string, tf.Tensor> = {};
    xs.forEach((x, i) => {
      const g = grads[i];
      if (g) named[x.name] = g;
    });
    if (Object.keys(named).length === 0) throw new Error('lowMemoryVariableGrads: no variable is connected to the loss');
    return { value: y, grads: named };
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
  }
}

/** Gradients of `xs` (undefined where unconnected), freeing each node's saved tensors and output gradients once used. */
function backprop(nodes: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): (tf.Tensor | undefined)[] {
  const acc = new Map<number, tf.Tensor>();
  // How many ids hold each gradient tensor: a custom gradient may hand the same tensor to two inputs.
  const holders = new Map<tf.Tensor, number>();
  const hold = (id: number, g: tf.Tensor): void => {
    acc.set(id, g);
    holders.set(g, (holders.get(g) ?? 0) + 1);
  };
  const release = (id: number): void => {
    const g = acc.get(id);
    if (!g) return;
    acc.delete(id);
    const n = (holders.get(g) ?? 1) - 1;
    if (n > 0) holders.set(g, n);
    else {
      holders.delete(g);
      g.dispose();
    }
  };
  const keep = new Set(xs.map((x) => x.id));
  hold(y.id, tf.onesLike(y));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as TapeNode;
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
    const names = Object.keys(node.inputs);
    // One scope per node: the temporaries of its gradient (custom gradients compute everything eagerly) go now.
    const dxs = tf.tidy(() => {
      const thunks = (node.gradient as NonNullable<TapeNode['gradient']>)(dys);
      return names.map((name) => {
        if (!(name in thunks)) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(thunks)}.`);
        return (thunks[name] as () => tf.Tensor)();
      });
    });
    names.forEach((name, k) => {
      const x = node.inputs[name] as tf.Tensor;
      const dx = dxs[k] as tf.Tensor;
      if (dx.dtype !== 'float32') throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
      if (!tf.util.arraysEqual(dx.shape, x.shape)) {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
      }
      const current = acc.get(x.id);
      if (!current) hold(x.id, dx);
      else {
        const sum = tf.add(current, dx);
        release(x.id);
        hold(x.id, sum);
      }
    });
    // After all inputs: one gradient tensor may serve two of them.
    for (const dx of dxs) if (!holders.has(dx)) dx.dispose();
    for (const o of node.outputs) if (!keep.has(o.id)) release(o.id);
    for (const t of node.saved ?? []) t.dispose();
  }
  const out = xs.map((x) => acc.get(x.id));
  for (const id of [...acc.keys()]) if (!keep.has(id)) release(id);
  return out;
}

/** The tape nodes on a path from some x to y, inputs pruned to those that depend on an x (as tfjs's tape.ts). */
function filterTape(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodesFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const t of Object.values(node.inputs)) toY.add(t.id);
      nodesToY.add(node.id);
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}
