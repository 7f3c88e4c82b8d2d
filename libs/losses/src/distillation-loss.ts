import { tf } from '@workbench/tensor';
import { checkOneOf, checkRange, makeResolver } from './config-checks.ts';
import { checkRank, checkSameShape, requireInput } from './input-checks.ts';
import type { LossDefinition, LossInputs, LossResult } from './loss-types.ts';
import { bceWithLogits } from './stable-math.ts';
import { stopGradient } from './stop-gradient.ts';

/**
 * `softmax`: T^2 * KL(softmax(teacher/T) || softmax(student/T)) with the softmax taken ACROSS LABELS, as AAD
 * (Ryu & Lee 2020) and the DALLMi reference code do even for a multi-label (sigmoid) head: it matches the
 * teacher's relative ranking of the labels within a row, not each label's probability.
 * `sigmoid`: T^2 * sum over labels of KL(Bernoulli(sigmoid(teacher/T)) || Bernoulli(sigmoid(student/T))), which
 * treats each label as the independent binary classifier it is (an addition of the workbench, for ablations).
 */
export const DISTILLATION_FORMS = ['softmax', 'sigmoid'] as const;
export type DistillationForm = (typeof DISTILLATION_FORMS)[number];

export interface DistillationConfig {
  /** Softening temperature T (20 in AAD as used by DALLMi). */
  temperature?: number;
  form?: DistillationForm;
  weight?: number;
}

export const DEFAULT_DISTILLATION: Required<DistillationConfig> = { temperature: 20, form: 'softmax', weight: 1 };

/**
 * Knowledge distillation with temperature, summed over labels and averaged over rows (PyTorch's KLDivLoss with
 * reduction 'batchmean', as in the reference code), times T^2 so that gradient sizes do not shrink with T
 * (Hinton et al. 2015). Reads `logits` (student) and `teacherLogits` [B, L]; the teacher is never differentiated.
 * Per-label parts sum to the loss.
 */
export function distillationLoss(inputs: LossInputs, config: Required<DistillationConfig> = DEFAULT_DISTILLATION): LossResult {
  return tf.tidy(() => {
    const logits = requireInput(inputs, 'logits', 'distillation');
    checkRank(logits, 2, 'logits', 'distillation');
    const teacherRaw = requireInput(inputs, 'teacherLogits', 'distillation');
    checkSameShape(logits, 'logits', teacherRaw, 'teacherLogits', 'distillation');
    const T = config.temperature;
    const student = tf.div(logits, T);
    const teacher = tf.div(stopGradient(teacherRaw), T);
    let perEntry: tf.Tensor;
    if (config.form === 'softmax') {
      const logQ = tf.logSoftmax(teacher);
      perEntry = tf.mul(tf.exp(logQ), tf.sub(logQ, tf.logSoftmax(student)));
    } else {
      // KL(Bern(q) || Bern(p)) = BCE(student; q) - H(q), each term stable from logits.
      const q = tf.sigmoid(teacher);
      perEntry = tf.sub(bceWithLogits(student, q), bceWithLogits(teacher, q));
    }
    const rows = logits.shape[0] as number;
    const perLabel = tf.mul(tf.sum(perEntry, 0), (T * T * config.weight) / Math.max(rows, 1)) as tf.Tensor1D;
    return { loss: tf.sum(perLabel) as tf.Scalar, perLabel };
  });
}

export const DISTILLATION_LOSS: LossDefinition<DistillationConfig> = {
  name: 'distillation',
  description: 'T^2 * KL(teacher || student) with temperature; softmax across labels (AAD) or per-label sigmoid',
  defaults: DEFAULT_DISTILLATION,
  requiredInputs: ['logits', 'teacherLogits'],
  optionalInputs: [],
  resolve: makeResolver(DEFAULT_DISTILLATION, (c, where) => {
    checkRange(c.temperature, 'temperature', { min: 0, minOpen: true }, where);
    checkOneOf(c.form, DISTILLATION_FORMS, 'form', where);
    checkRange(c.weight, 'weight', { min: 0 }, where);
  }),
  compute: distillationLoss,
};
