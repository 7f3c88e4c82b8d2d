import { tf } from '@workbench/tensor';
import { priorBias } from '../head-bias.ts';
import type { MultitaskModel } from './multitask-model.ts';
import type { ResolvedTask, TaskTargets } from './task-data.ts';


/**
 * Sets each classification head's output bias to the training labels' prior: log-odds log(p / (1 - p)) per label
 * for a multi-label head, log p per class for a multi-class head (token tagging: left at 0). Why: with a zero
 * bias every sigmoid starts at 0.5, and AdamW moves a bias by about lr per step, so reaching a 10% label's
 * log-odds (-2.2) takes ~700 steps at lr 3e-3: the whole budget of a small study, spent on learning that most
 * tags are absent (the single-task tags models of debtags-dev stayed at chance mAP). Computed from the training
 * rows only.
 */
export function initBiasFromPriors(model: MultitaskModel, tasks: readonly ResolvedTask[], targets: ReadonlyMap<string, TaskTargets>): void {
  for (const task of tasks) {
    if (task.type === 'token-tagging') continue;
    const t = targets.get(task.name) as TaskTargets;
    const L = task.labels.length;
    const counts = new Float64Array(L);
    let rows = 0;
    t.has.forEach((h, i) => {
      if (!h) return;
      rows++;
      if (task.type === 'multi-class') counts[(t.classes as Int32Array)[i] as number]++;
      else for (let j = 0; j < L; j++) counts[j] += (t.multiHot as Float32Array)[i * L + j] as number;
    });
    if (rows === 0) continue;
    const bias = priorBias(counts, rows, task.type === 'multi-label' ? 'log-odds' : 'log');
    const variable = model.head(task.name).variables().get('classifier.bias') as tf.Variable;
    tf.tidy(() => variable.assign(tf.tensor1d(bias)));
  }
}
