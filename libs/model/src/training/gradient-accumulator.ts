import { tf } from '@workbench/tensor';
import type { SparseParameter } from './sparse-gradient-tape.ts';

/**
 * Sums dense gradients over micro-batches (sparse parameters accumulate in their own row buffers until the
 * optimizer applies them). `take()` hands the sums over and resets.
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private readonly sparse = new Set<SparseParameter>();
  private losses: number[] = [];

  /** Adds one micro-batch's gradients; they are consumed (disposed or kept as the running sum). */
  add(grads: Map<string, tf.Tensor>, sparse: readonly SparseParameter[], loss: number): void {
    for (const [name, g] of grads) {
      const prev = this.sums.get(name);
      if (!prev) {
        this.sums.set(name, g);
        continue;
      }
      this.sums.set(name, tf.add(prev, g));
      tf.dispose([prev, g]);
    }
    for (const s of sparse) this.sparse.add(s);
    this.losses.push(loss);
  }

  get microBatches(): number {
    return this.losses.length;
  }

  take(): { grads: Map<string, tf.Tensor>; sparse: SparseParameter[]; losses: number[] } {
    const out = { grads: this.sums, sparse: [...this.sparse], losses: this.losses };
    this.sums = new Map();
    this.sparse.clear();
    this.losses = [];
    return out;
  }

  /** Frees pending sums and clears pending sparse gradients (e.g. after a diverged step). */
  reset(): void {
    const { grads, sparse } = this.take();
    tf.dispose([...grads.values()]);
    for (const s of sparse) s.clearGradient();
  }
}
