import { createRng } from '@workbench/core';
import { applyScenario } from './apply-scenario.ts';
import { iterativeStratification } from './iterative-stratification.ts';
import { loadDebtagsTargetTrain } from './debtags-fixture.ts';
import { resolveScenario } from './scenario.ts';
import { carveValidation, trainValidationSplit } from './train-validation-split.ts';

describe('trainValidationSplit', () => {
  it('random: exactly round(n f) validation rows, disjoint, covering all rows, seeded', () => {
    const s = trainValidationSplit(25, { validationFraction: 0.2, stratify: 'none' }, createRng(1));
    expect(s.validation).toHaveLength(5);
    expect([...s.train, ...s.validation].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(trainValidationSplit(25, { validationFraction: 0.2, stratify: 'none' }, createRng(1))).toEqual(s);
    expect(trainValidationSplit(25, { validationFraction: 0.2, stratify: 'none' }, createRng(2))).not.toEqual(s);
  });

  it('iterative stratification gives every label about its share of validation positives (debtags-dev)', () => {
    const { matrix } = loadDebtagsTargetTrain();
    const s = trainValidationSplit(matrix, { validationFraction: 0.1 }, createRng(0));
    expect(s.validation).toHaveLength(167); // round(1672 * 0.1), exactly
    expect(s.train.length + s.validation.length).toBe(1672);
    for (let j = 0; j < 20; j++) {
      const total = matrix.filter((r) => r[j] === 1).length;
      const inVal = s.validation.filter((i) => matrix[i][j] === 1).length;
      // the share of each label's positives in validation is 10% up to rounding of a few rows
      expect(Math.abs(inVal - 0.1 * total)).toBeLessThanOrEqual(1.5);
    }
    // a plain random split of the same size spreads labels worse
    const maxDev = (val: number[]): number =>
      Math.max(...Array.from({ length: 20 }, (_, j) => Math.abs(val.filter((i) => matrix[i][j] === 1).length - 0.1 * matrix.filter((r) => r[j] === 1).length)));
    const random = trainValidationSplit(matrix, { validationFraction: 0.1, stratify: 'none' }, createRng(0));
    expect(random.validation).toHaveLength(167);
    expect(maxDev(s.validation)).toBeLessThan(maxDev(random.validation));
  });

  it('iterative stratification splits each rare label\'s positives between the folds', () => {
    // label 0 in rows 0, 1; label 1 in rows 2, 3; half to validation: one of each pair in each part, every seed.
    const m = [[1, 0], [1, 0], [0, 1], [0, 1], [0, 0], [0, 0]].map((r) => Uint8Array.from(r));
    for (let seed = 0; seed < 5; seed++) {
      const s = trainValidationSplit(m, { validationFraction: 0.5 }, createRng(seed));
      expect(s.validation).toHaveLength(3);
      expect(s.validation.filter((i) => i < 2)).toHaveLength(1);
      expect(s.validation.filter((i) => i === 2 || i === 3)).toHaveLength(1);
    }
  });

  it('carves the validation split from OBSERVED labels only', () => {
    const { matrix } = loadDebtagsTargetTrain();
    const scenario = applyScenario(matrix, resolveScenario('keep10'), createRng(0));
    const carved = carveValidation(scenario, { validationFraction: 0.1 }, createRng(4));
    expect(carved).toEqual(trainValidationSplit(scenario.observed, { validationFraction: 0.1 }, createRng(4)));
    expect(carved).not.toEqual(trainValidationSplit(matrix, { validationFraction: 0.1 }, createRng(4)));
  });

  it('rejects fractions that leave a part empty, naming the value', () => {
    expect(() => trainValidationSplit(10, { validationFraction: 1 }, createRng(1))).toThrow('validationFraction must be in (0, 1), got 1');
    expect(() => trainValidationSplit(10, { validationFraction: 0.01 }, createRng(1))).toThrow('validationFraction 0.01 of 10 rows leaves no validation row');
    expect(() => trainValidationSplit(10, { stratify: 'label' as never }, createRng(1))).toThrow("stratify must be 'none' or 'iterative', got 'label'");
  });
});

describe('iterativeStratification input checks', () => {
  it('names bad proportions', () => {
    expect(() => iterativeStratification([Uint8Array.from([1])], [0.5, 0.6], createRng(1))).toThrow(
      'proportions must be 2 or more positive numbers summing to 1, got [0.5, 0.6]',
    );
  });
});
