import { createRng } from '@workbench/core';
import { applyScenario } from './apply-scenario.ts';
import { loadDebtagsTargetTrain } from './debtags-fixture.ts';
import { LabelBalancedCycleSampler } from './label-balanced-cycle-sampler.ts';
import { PerLabelPositiveSampler } from './per-label-positive-sampler.ts';
import { RandomBatchSampler } from './random-batch-sampler.ts';
import { resolveScenario } from './scenario.ts';

const rows = (m: number[][]): Uint8Array[] => m.map((r) => Uint8Array.from(r));

describe('LabelBalancedCycleSampler', () => {
  // label 0: rows 0 and 1; label 1: row 2; label 2: no observed positive (skipped); rows 3, 4: none.
  const observed = rows([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]);

  it('cycles the labels with a positive, one draw of an observed positive each, cursor carried across epochs', () => {
    const s = new LabelBalancedCycleSampler(observed, { batchSize: 2 }, createRng(1));
    expect(s.cycledLabels).toEqual([0, 1]);
    expect(s.skippedLabels).toEqual([2]);
    // N = 5 draws: epoch 0 serves labels 0 1 0 1 0, epoch 1 starts at label 1: 1 0 1 0 1.
    const e0 = s.epoch(0).flat();
    const e1 = s.epoch(1).flat();
    expect(e0.map((i) => (i === 2 ? 1 : 0))).toEqual([0, 1, 0, 1, 0]);
    expect(e1.map((i) => (i === 2 ? 1 : 0))).toEqual([1, 0, 1, 0, 1]);
    expect([...e0, ...e1].every((i) => i <= 2)).toBe(true); // rows without an observed positive never drawn
    expect(s.epoch(0).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(s.batchesPerEpoch).toBe(3);
    expect(new LabelBalancedCycleSampler(observed, { batchSize: 2, dropLast: true }, createRng(1)).epoch(0).map((b) => b.length)).toEqual([2, 2]);
  });

  it('draws positives uniformly with replacement', () => {
    const s = new LabelBalancedCycleSampler(observed, { batchSize: 50, drawsPerEpoch: 2000 }, createRng(2));
    const label0 = s.epoch(0).flat().filter((i) => i !== 2);
    const zeros = label0.filter((i) => i === 0).length;
    expect(label0).toHaveLength(1000);
    expect(zeros).toBeGreaterThan(440); // binomial(1000, .5): sd 16
    expect(zeros).toBeLessThan(560);
  });

  it('is deterministic per epoch, whatever was asked before', () => {
    const a = new LabelBalancedCycleSampler(observed, { batchSize: 2 }, createRng(5));
    const b = new LabelBalancedCycleSampler(observed, { batchSize: 2 }, createRng(5));
    b.epoch(0);
    expect(b.epoch(3)).toEqual(a.epoch(3));
    expect(a.epoch(3)).not.toEqual(a.epoch(5));
  });

  it('gives every batch of 64 about 64 / L observed positives of every label on debtags-dev keep10', () => {
    const { matrix } = loadDebtagsTargetTrain();
    const { observed: obs } = applyScenario(matrix, resolveScenario('keep10'), createRng(0));
    const s = new LabelBalancedCycleSampler(obs, { batchSize: 64 }, createRng(0));
    expect(s.batchesPerEpoch).toBe(Math.ceil(1672 / 64));
    for (const batch of s.epoch(0).slice(0, -1)) {
      for (let j = 0; j < 20; j++) expect(batch.filter((i) => obs[i][j] === 1).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('rejects bad configs and data naming the value', () => {
    expect(() => new LabelBalancedCycleSampler(observed, { batchSize: 0 }, createRng(1))).toThrow('batchSize must be a positive integer, got 0');
    expect(() => new LabelBalancedCycleSampler(observed, { drawsPerEpoch: -1 }, createRng(1))).toThrow('drawsPerEpoch must be a non-negative integer, got -1');
    expect(() => new LabelBalancedCycleSampler(rows([[0, 0]]), {}, createRng(1))).toThrow('no label has an observed positive');
    expect(() => new LabelBalancedCycleSampler(observed, {}, createRng(1)).epoch(-1)).toThrow('epoch must be a non-negative integer, got -1');
  });
});

describe('RandomBatchSampler', () => {
  it('visits every row once per epoch in a fresh order', () => {
    const s = new RandomBatchSampler(10, { batchSize: 4 }, createRng(1));
    const e0 = s.epoch(0);
    expect(e0.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(e0.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.epoch(1).flat()).not.toEqual(e0.flat());
    expect(new RandomBatchSampler(10, { batchSize: 4 }, createRng(1)).epoch(0)).toEqual(e0);
  });

  it('drops the last partial batch when asked', () => {
    const s = new RandomBatchSampler(10, { batchSize: 4, dropLast: true }, createRng(1));
    expect(s.batchesPerEpoch).toBe(2);
    expect(s.epoch(0).map((b) => b.length)).toEqual([4, 4]);
    expect(() => new RandomBatchSampler(0, {}, createRng(1))).toThrow('rows must be a positive integer, got 0');
  });
});

describe('PerLabelPositiveSampler', () => {
  const observed = rows([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]]);
  const s = new PerLabelPositiveSampler(observed, 6, createRng(3));

  it('draws batches of one label\'s observed positives, empty for a label without', () => {
    expect(s.positivesOf(1)).toEqual([1, 2]);
    const b = s.batch(0, 0);
    expect(b).toHaveLength(6);
    expect(b.every((i) => i === 0 || i === 1)).toBe(true);
    expect(s.batch(2, 0)).toEqual([]);
    expect(s.batches(4).map((x) => x.length)).toEqual([6, 6, 0]);
  });

  it('is a pure function of (seed, label, step)', () => {
    expect(new PerLabelPositiveSampler(observed, 6, createRng(3)).batch(1, 7)).toEqual(s.batch(1, 7));
    const steps = new Set(Array.from({ length: 10 }, (_, k) => JSON.stringify(s.batch(0, k))));
    expect(steps.size).toBeGreaterThan(1);
    expect(() => s.batch(3, 0)).toThrow('label must be an integer in 0..2, got 3');
  });
});

describe('sampler configs', () => {
  it('reject unknown keys with a did-you-mean', () => {
    const observed = rows([[1]]);
    expect(() => new LabelBalancedCycleSampler(observed, { batchsize: 4 } as never, createRng(1))).toThrow("unknown key 'batchsize' (did you mean 'batchSize'?)");
    expect(() => new RandomBatchSampler(3, { droplast: true } as never, createRng(1))).toThrow("unknown key 'droplast' (did you mean 'dropLast'?)");
    expect(() => new RandomBatchSampler(3, { batchSize: '4' } as never, createRng(1))).toThrow('expected a number, got string "4"');
  });
});
