import { tf } from '@workbench/tensor';
import { checkHeadBias } from './cell-config.ts';
import type { MultiLabelClassifier } from './classifier.ts';
import type { LabelMatrix } from './label-matrix.ts';

/** Label rates are clipped to [1e-3, 1 - 1e-3] so an always- or never-present label gets a finite bias. */
const PRIOR_EPS = 1e-3;

/**
 * A head's starting bias from label counts over `rows` training rows: each rate clipped to [PRIOR_EPS,
 * 1 - PRIOR_EPS], then its log-odds log(p / (1 - p)) (sigmoid heads) or its log (softmax heads).
 */
export function priorBias(counts: ArrayLike<number>, rows: number, kind: 'log-odds' | 'log' = 'log-odds'): Float32Array {
  return Float32Array.from(counts, (c) => {
    const p = Math.min(1 - PRIOR_EPS, Math.max(PRIOR_EPS, c / rows));
    return kind === 'log-odds' ? Math.log(p / (1 - p)) : Math.log(p);
  });
}

/** Sets the head's bias to each label's log-odds in `labels` ('prior'), or leaves it at zero ('zero'). */
export function initHeadBias(model: MultiLabelClassifier, labels: LabelMatrix, mode: string): void {
  checkHeadBias(mode);
  if (mode === 'zero' || labels.rows === 0) return;
  const bias = model.head.variables().get('classifier.bias');
  if (!bias) throw new Error("initHeadBias: the head has no 'classifier.bias'");
  const L = labels.numLabels;
  const counts = new Float64Array(L);
  for (let i = 0; i < labels.rows; i++) for (let j = 0; j < L; j++) counts[j] += labels.data[i * L + j] as number;
  tf.tidy(() => bias.assign(tf.tensor1d(priorBias(counts, labels.rows))));
}
