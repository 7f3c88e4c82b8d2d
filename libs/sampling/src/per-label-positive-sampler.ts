import { WorkbenchError, type Rng } from '@workbench/core';
import { checkBinaryMatrix, type Matrix } from '@workbench/metrics';
import { checkPositiveInt } from './batch-sampler.ts';

/**
 * Batches of one label's observed positives (VPU-style training draws a positive batch per label): `batch(l, step)`
 * holds `batchSize` rows drawn uniformly with replacement from label l's observed positives. Each (label, step)
 * has its own derived stream, so batches can be asked for in any order and are the same on a rerun.
 */
export class PerLabelPositiveSampler {
  private readonly positives: number[][];

  constructor(
    observed: Matrix,
    readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    const labels = checkBinaryMatrix('observed', observed, 'PerLabelPositiveSampler');
    checkPositiveInt('batchSize', batchSize, 'PerLabelPositiveSampler');
    this.positives = Array.from({ length: labels }, () => [] as number[]);
    observed.forEach((row, i) => {
      for (let j = 0; j < labels; j++) if (row[j] === 1) this.positives[j].push(i);
    });
  }

  get labels(): number {
    return this.positives.length;
  }

  /** Observed positives of `label` (row indices, increasing). */
  positivesOf(label: number): readonly number[] {
    this.checkLabel(label);
    return this.positives[label];
  }

  /** A batch of label `label`'s positives at `step`; empty if the label has no observed positive. */
  batch(label: number, step: number): number[] {
    this.checkLabel(label);
    if (!Number.isInteger(step) || step < 0) throw new WorkbenchError('CONFIG_TYPE', `step must be a non-negative integer, got ${String(step)}`, { where: { source: 'PerLabelPositiveSampler.batch' } });
    const pool = this.positives[label];
    if (pool.length === 0) return [];
    const rng = this.rng.derive(`label-${label}-step-${step}`);
    return Array.from({ length: this.batchSize }, () => rng.choice(pool));
  }

  /** One positive batch per label at `step` (empty arrays for labels without observed positives). */
  batches(step: number): number[][] {
    return this.positives.map((_, l) => this.batch(l, step));
  }

  private checkLabel(label: number): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.positives.length) {
      throw new WorkbenchError('CONFIG_TYPE', `label must be an integer in 0..${this.positives.length - 1}, got ${String(label)}`, { where: { source: 'PerLabelPositiveSampler' } });
    }
  }
}
