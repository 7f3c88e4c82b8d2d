import { WorkbenchError } from '@workbench/core';
import { macroF1 } from './macro-f1.ts';
import { perLabelApUnchecked } from './macro-average-precision.ts';
import { macroAverage } from './macro-average.ts';
import { mapHard } from './map-hard.ts';
import { checkMultiLabelPair, type Matrix } from './matrix.ts';
import { microAveragePrecision } from './micro-average-precision.ts';
import { macroRocAuc } from './roc-auc.ts';
import { subsetAccuracy } from './subset-accuracy.ts';
import { DEFAULT_THRESHOLD } from './threshold.ts';

/** One row of the per-label table. Undefined values (no positive, or one class only) are NaN. */
export interface PerLabelMetrics {
  label: string;
  /** Positives of this label in yTrue, and the label's positive rate. */
  positives: number;
  prevalence: number;
  ap: number;
  apHard: number;
  f1: number;
  rocAuc: number;
}

export interface MultiLabelMetrics {
  /** Macro mAP from scores (the main figure), over labels with a positive. */
  mapMacro: number;
  /** Micro mAP: all (row, label) pairs in one ranking. */
  mapMicro: number;
  /** The reference code's mAP of 0/1 predictions. */
  mapHard: number;
  f1Macro: number;
  rocAucMacro: number;
  subsetAccuracy: number;
  threshold: number;
  rows: number;
  labels: number;
  /** Labels without a positive in yTrue, left out of every macro average (names). */
  labelsWithoutPositive: string[];
  /** Labels left out of the macro ROC-AUC (no positive or no negative). */
  labelsLeftOutOfRocAuc: string[];
  perLabel: PerLabelMetrics[];
}

export interface MultiLabelMetricsOptions {
  /** Names of the labels, in column order (default: the column indices). */
  labelNames?: readonly string[];
  threshold?: number;
}

/** Every multi-label figure and the per-label table in one call, on one validated input. */
export function computeMultiLabelMetrics(yTrue: Matrix, scores: Matrix, options: MultiLabelMetricsOptions = {}): MultiLabelMetrics {
  const labels = checkMultiLabelPair(yTrue, scores, 'computeMultiLabelMetrics');
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const names = options.labelNames ?? Array.from({ length: labels }, (_, j) => String(j));
  if (names.length !== labels) {
    throw new WorkbenchError('CONFIG_TYPE', `labelNames has ${names.length} names but the matrices have ${labels} labels`, {
      where: { source: 'computeMultiLabelMetrics' },
    });
  }
  const ap = perLabelApUnchecked(yTrue, scores, labels);
  const hard = mapHard(yTrue, scores, threshold);
  const f1 = macroF1(yTrue, scores, threshold);
  const roc = macroRocAuc(yTrue, scores);
  const macro = macroAverage(ap);
  const perLabel = names.map((label, j) => {
    let positives = 0;
    for (const row of yTrue) positives += row[j];
    return { label, positives, prevalence: positives / yTrue.length, ap: ap[j], apHard: hard.perLabel[j], f1: f1.perLabel[j], rocAuc: roc.perLabel[j] };
  });
  return {
    mapMacro: macro.value,
    mapMicro: microAveragePrecision(yTrue, scores),
    mapHard: hard.value,
    f1Macro: f1.value,
    rocAucMacro: roc.value,
    subsetAccuracy: subsetAccuracy(yTrue, scores, threshold),
    threshold,
    rows: yTrue.length,
    labels,
    labelsWithoutPositive: macro.labelsLeftOut.map((j) => names[j]),
    labelsLeftOutOfRocAuc: roc.labelsLeftOut.map((j) => names[j]),
    perLabel,
  };
}

/** The scalar figures under stable metric keys, for a RunLogger (`map_macro`, `map_hard`, ...). */
export function multiLabelMetricRecord(m: MultiLabelMetrics): Record<string, number> {
  return {
    map_macro: m.mapMacro,
    map_micro: m.mapMicro,
    map_hard: m.mapHard,
    f1_macro: m.f1Macro,
    roc_auc_macro: m.rocAucMacro,
    subset_accuracy: m.subsetAccuracy,
    labels_without_positive: m.labelsWithoutPositive.length,
  };
}

