import { tf } from '@workbench/tensor';
import { checkHeadBias } from './cell-config.ts';
import type { MultiLabelClassifier } from './classifier.ts';
import type { LabelMatrix } from './label-matrix.ts';

/** Label rates are clipped to [1e-3, 1 - 1e-3] so an always- or never-present label gets a finite bias. */
const PRIOR_EPS = 1e-3;

/** Sets the head's bias to each label's log-odds in `labels` ('prior'), or leaves it at zero ('zero'). */
export function initHeadBias(model: MultiLabelClassifier, labels: LabelMatrix, mode: string): void {
  checkHeadBias(mode);
  if (mode === 'zero' || labels.rows === 0) return;
  const bias = model.head.variables().get('classifier.bias');
  if (!bias) throw new Error("initHeadBias: the head has no 'classifier.bias'");
  const L = labels.numLabels;
  const counts = new Float64Array(L);
  for (let i = 0; i < labels.rows; i++) for (let j = 0; j < L; j++) counts[j] += labels.data[i * L + j] as number;
  const values = Float32Array.from(counts, (c) => {
    const p = Math.min(1 - PRIOR_EPS, Math.max(PRIOR_EPS, c / labels.rows));
    return Math.log(p / (1 - p));
  });
  tf.tidy(() => bias.assign(tf.tensor1d(values)));
}
