import { resolveConfig, WorkbenchError, type Rng } from '@workbench/core';
import { checkBinaryMatrix, type Matrix } from '@workbench/metrics';
import { batchCount, checkEpoch, checkPositiveInt, toBatches, type BatchSampler } from './batch-sampler.ts';

export interface LabelBalancedCycleConfig {
  batchSize: number;
  /** Draws per epoch; 0 means the number of rows (the reference: N = train size). */
  drawsPerEpoch: number;
  /** Drop the last partial batch (the reference keeps it: a DataLoader's default). */
  dropLast: boolean;
}

export const DEFAULT_LABEL_BALANCED_CYCLE: Required<LabelBalancedCycleConfig> = { batchSize: 64, drawsPerEpoch: 0, dropLast: false };

/**
 * DALLMi's label-balanced sampler (dallmi.md): cycle through the labels; for the current label draw one of its
 * OBSERVED positives uniformly with replacement; N draws per epoch grouped into batches, the label cursor
 * carrying over between batches and epochs. Labels with no observed positive are skipped. So every batch holds
 * about B / L guaranteed positives of each label, and rows with no observed positive are never drawn.
 */
export class LabelBalancedCycleSampler implements BatchSampler {
  readonly config: Required<LabelBalancedCycleConfig>;
  readonly batchesPerEpoch: number;
  /** Labels that have an observed positive, in cycle order. */
  readonly cycledLabels: number[];
  /** Labels left out of the cycle for having no observed positive. */
  readonly skippedLabels: number[];
  private readonly positives: number[][];
  private readonly draws: number;

  constructor(
    observed: Matrix,
    config: Partial<LabelBalancedCycleConfig>,
    private readonly rng: Rng,
  ) {
    const where = 'LabelBalancedCycleSampler';
    this.config = resolveConfig<LabelBalancedCycleConfig>(DEFAULT_LABEL_BALANCED_CYCLE, config, { where: { source: 'LabelBalancedCycleSampler' } });
    checkPositiveInt('batchSize', this.config.batchSize, where);
    if (!Number.isInteger(this.config.drawsPerEpoch) || this.config.drawsPerEpoch < 0) {
      throw new WorkbenchError('CONFIG_TYPE', `drawsPerEpoch must be a non-negative integer, got ${String(this.config.drawsPerEpoch)}`, { where: { source: where } });
    }
    const labels = checkBinaryMatrix('observed', observed, where);
    this.positives = Array.from({ length: labels }, () => [] as number[]);
    observed.forEach((row, i) => {
      for (let j = 0; j < labels; j++) if (row[j] === 1) this.positives[j].push(i);
    });
    this.cycledLabels = [];
    this.skippedLabels = [];
    this.positives.forEach((p, j) => (p.length > 0 ? this.cycledLabels : this.skippedLabels).push(j));
    if (this.cycledLabels.length === 0) {
      throw new WorkbenchError('CONFIG_INVALID', 'no label has an observed positive: the label-balanced sampler has nothing to draw', { where: { source: where } });
    }
    this.draws = this.config.drawsPerEpoch || observed.length;
    this.batchesPerEpoch = batchCount(this.draws, this.config.batchSize, this.config.dropLast);
  }

  epoch(epoch: number): number[][] {
    checkEpoch(epoch, 'LabelBalancedCycleSampler.epoch');
    const rng = this.rng.derive(`epoch-${epoch}`);
    const cycle = this.cycledLabels;
    // The cursor carries over: epoch e starts where e * N draws left it.
    let cursor = (epoch * this.draws) % cycle.length;
    const draws: number[] = [];
    for (let k = 0; k < this.draws; k++) {
      draws.push(rng.choice(this.positives[cycle[cursor]]));
      cursor = (cursor + 1) % cycle.length;
    }
    return toBatches(draws, this.config.batchSize, this.config.dropLast);
  }

  /** The label each draw of epoch e was made for, in draw order (for diagnostics and tests). */
  labelOfDraw(epoch: number, k: number): number {
    return this.cycledLabels[(epoch * this.draws + k) % this.cycledLabels.length];
  }
}
