import type { MultiLabelClassifier } from './classifier.ts';
import type { CellData } from './cell-data.ts';
import type { MethodEnvironment } from './method.ts';

/** What a DALLMi-family method's `train` receives. */
export interface MethodContext extends MethodEnvironment {
  data: CellData;
  /** The model to train in place: stage-1 (source) weights or fresh ones, as the method's `startsFrom` says. */
  model: MultiLabelClassifier;
  /** A new model of the same architecture with the same weights as `model` now (teachers, frozen copies). */
  cloneModel(): MultiLabelClassifier;
  /** Called after each epoch of the method's main stage: the runner logs target metrics (the method never sees them). */
  evaluate(stage: string, epoch: number): Promise<void>;
}
