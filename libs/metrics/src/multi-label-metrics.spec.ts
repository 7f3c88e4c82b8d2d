import { WorkbenchError } from '@workbench/core';
import { macroApByIndex, macroAveragePrecision, perLabelAveragePrecision } from './macro-average-precision.ts';
import { microAveragePrecision } from './micro-average-precision.ts';
import { mapHard } from './map-hard.ts';
import { macroF1 } from './macro-f1.ts';
import { macroRocAuc } from './roc-auc.ts';
import { subsetAccuracy } from './subset-accuracy.ts';
import { computeMultiLabelMetrics, multiLabelMetricRecord } from './multi-label-metrics.ts';
import { loadSklearnReference } from './sklearn-reference.ts';

// Expected values recorded from scikit-learn 1.2.1 by test/record_sklearn.py (inputs stored beside them).
const ref = loadSklearnReference();
const defined = (xs: number[]): number[] => xs.filter((x) => !Number.isNaN(x));

describe.each(ref.multilabel.map((c, i) => [i, c] as const))(`multi-label metrics vs scikit-learn, case %i (${ref.producedBy})`, (_i, c) => {
  it('per-label, macro and micro AP', () => {
    const perLabel = perLabelAveragePrecision(c.yTrue, c.scores);
    defined(perLabel).forEach((v, k) => expect(v).toBeCloseTo(c.perLabelAp[k], 12));
    expect(macroAveragePrecision(c.yTrue, c.scores).value).toBeCloseTo(c.macroAp, 12);
    expect(microAveragePrecision(c.yTrue, c.scores)).toBeCloseTo(c.microAp, 12);
    // the bootstrap's rank-count form on all rows, once each
    expect(macroApByIndex(c.yTrue, c.scores)(Int32Array.from(c.yTrue.keys()))).toBeCloseTo(c.macroAp, 12);
  });

  it('map_hard, macro F1, macro ROC-AUC and subset accuracy', () => {
    const hard = mapHard(c.yTrue, c.scores);
    expect(hard.value).toBeCloseTo(c.mapHard, 12);
    defined(hard.perLabel).forEach((v, k) => expect(v).toBeCloseTo(c.perLabelApHard[k], 12));
    const f1 = macroF1(c.yTrue, c.scores);
    expect(f1.value).toBeCloseTo(c.macroF1, 12);
    defined(f1.perLabel).forEach((v, k) => expect(v).toBeCloseTo(c.perLabelF1[k], 12));
    const roc = macroRocAuc(c.yTrue, c.scores);
    expect(roc.value).toBeCloseTo(c.macroRocAuc, 12);
    defined(roc.perLabel).forEach((v, k) => expect(v).toBeCloseTo(c.perLabelRocAuc[k], 12));
    expect(subsetAccuracy(c.yTrue, c.scores)).toBeCloseTo(c.subsetAccuracy, 12);
  });

  it('computeMultiLabelMetrics returns the same figures in one call', () => {
    const m = computeMultiLabelMetrics(c.yTrue, c.scores);
    expect(m.mapMacro).toBeCloseTo(c.macroAp, 12);
    expect(m.mapMicro).toBeCloseTo(c.microAp, 12);
    expect(m.mapHard).toBeCloseTo(c.mapHard, 12);
    expect(m.f1Macro).toBeCloseTo(c.macroF1, 12);
    expect(m.rocAucMacro).toBeCloseTo(c.macroRocAuc, 12);
    expect(m.subsetAccuracy).toBeCloseTo(c.subsetAccuracy, 12);
    expect(m.labels - m.labelsWithoutPositive.length).toBe(c.labelsWithPositive.length);
  });
});

describe('macro averages leave out labels without a positive', () => {
  const c = ref.multilabel[2];
  it('reports which label was left out, where scikit-learn silently scores it', () => {
    const macro = macroAveragePrecision(c.yTrue, c.scores);
    expect(macro.labelsLeftOut).toEqual([3]);
    expect(macro.labelsUsed).toBe(5);
    expect(Math.abs(c.sklearnApOfEmptyLabel ?? Number.NaN)).toBe(0); // what sklearn would have averaged in
    const m = computeMultiLabelMetrics(c.yTrue, c.scores, { labelNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(m.labelsWithoutPositive).toEqual(['d']);
    expect(m.labelsLeftOutOfRocAuc).toEqual(['d']);
    expect(m.perLabel[3]).toMatchObject({ label: 'd', positives: 0, prevalence: 0 });
    expect(m.perLabel[3].ap).toBeNaN();
    expect(multiLabelMetricRecord(m).labels_without_positive).toBe(1);
  });
});

describe('hand-computed multi-label cases', () => {
  // 5 rows, 2 labels. Label 0: y 1 1 0 0 1, s .9 .4 .6 .2 .5 -> predicted (s > .5) 1 0 1 0 0.
  // Label 1: y 0 1 0 0 0, s .1 .8 .3 .2 .7 -> predicted 0 1 0 0 1.
  const y = [
    [1, 0],
    [1, 1],
    [0, 0],
    [0, 0],
    [1, 0],
  ];
  const s = [
    [0.9, 0.1],
    [0.4, 0.8],
    [0.6, 0.3],
    [0.2, 0.2],
    [0.5, 0.7],
  ];

  it('map_hard = precision * recall + (1 - recall) * positive rate, 0.5 counted negative', () => {
    // label 0: precision 1/2, recall 1/3, rate 3/5; label 1: precision 1/2, recall 1, rate 1/5
    const l0 = 0.5 * (1 / 3) + (2 / 3) * (3 / 5);
    const l1 = 0.5 * 1;
    const m = mapHard(y, s);
    expect(m.perLabel[0]).toBeCloseTo(l0, 14);
    expect(m.perLabel[1]).toBeCloseTo(l1, 14);
    expect(m.value).toBeCloseTo((l0 + l1) / 2, 14);
  });

  it('AP, F1, ROC-AUC and subset accuracy', () => {
    // label 0 by score: .9(+) .6(-) .5(+) .4(+) .2(-): AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/4
    expect(perLabelAveragePrecision(y, s)[0]).toBeCloseTo(1 / 3 + 2 / 9 + 1 / 4, 14);
    // label 1: the positive ranks first
    expect(perLabelAveragePrecision(y, s)[1]).toBe(1);
    // F1 = 2TP / (2TP + FP + FN): label 0 TP 1 FP 1 FN 2 -> 2/5; label 1 TP 1 FP 1 FN 0 -> 2/3
    expect(macroF1(y, s).perLabel).toEqual([2 / 5, 2 / 3]);
    // ROC-AUC label 0: positive-negative pairs won: .9 beats 2, .5 beats 1 (.2), .4 beats 1 -> 4/6
    expect(macroRocAuc(y, s).perLabel[0]).toBeCloseTo(4 / 6, 14);
    // rows predicted exactly on both labels: row 0 ([1,0]) and row 3 ([0,0])
    expect(subsetAccuracy(y, s)).toBeCloseTo(2 / 5, 14);
    // micro: the 10 pairs ranked .9+ .8+ .7- .6- .5+ .4+ .3- .2- .2- .1-: P at positives 1, 1, 3/5, 4/6
    expect(microAveragePrecision(y, s)).toBeCloseTo((1 + 1 + 3 / 5 + 4 / 6) / 4, 14);
  });

  it('ROC-AUC counts a tie between a positive and a negative as 1/2', () => {
    expect(macroRocAuc([[1], [0]], [[0.5], [0.5]]).value).toBe(0.5);
    expect(macroRocAuc([[1], [0], [1]], [[0.5], [0.5], [0.9]]).value).toBe(0.75);
  });

  it('rejects mismatched shapes and bad values naming them', () => {
    expect(() => macroAveragePrecision(y, s.slice(1))).toThrow('yTrue is 5x2 but scores is 4x2');
    expect(() => macroAveragePrecision([[1, 0], [1]], [[0.1, 0.2], [0.3, 0.4]])).toThrow('yTrue[1] has 1 entries, expected 2 like row 0');
    expect(() => mapHard(y, s, Number.NaN)).toThrow('threshold must be a finite number, got NaN');
    expect(() => computeMultiLabelMetrics(y, s, { labelNames: ['a'] })).toThrow(WorkbenchError);
    expect(() => macroF1([], [])).toThrow('yTrue has no rows');
  });
});
