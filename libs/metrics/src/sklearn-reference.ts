// Test-only loader of the values recorded from scikit-learn (see test/record_sklearn.py). Not exported.
import { readFileSync } from 'node:fs';

export interface BinaryRef {
  yTrue: number[];
  scores: number[];
  ap: number;
  rocAuc: number | null;
}
export interface MultiLabelRef {
  yTrue: number[][];
  scores: number[][];
  labelsWithPositive: number[];
  perLabelAp: number[];
  macroAp: number;
  microAp: number;
  mapHard: number;
  perLabelApHard: number[];
  perLabelF1: number[];
  macroF1: number;
  perLabelRocAuc: number[];
  macroRocAuc: number;
  subsetAccuracy: number;
  sklearnApOfEmptyLabel: number | null;
}
export interface SklearnReference {
  producedBy: string;
  binary: BinaryRef[];
  binaryFloat32: BinaryRef[];
  multilabel: MultiLabelRef[];
  multiclass: { yTrue: number[]; yPred: number[]; accuracy: number; macroF1: number }[];
  percentile: { values: number[]; q: number[]; quantiles: number[] }[];
}

export function loadSklearnReference(): SklearnReference {
  return JSON.parse(readFileSync(new URL('../test/sklearn-reference.json', import.meta.url), 'utf8')) as SklearnReference;
}
