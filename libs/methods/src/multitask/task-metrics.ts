import { accuracy, computeMultiLabelMetrics, multiClassMacroF1, spanF1 } from '@workbench/metrics';
import type { EncodedSplit } from './multitask-backbone.ts';
import type { ResolvedTask, TaskTargets } from './task-data.ts';

/** The word-level tags a tagger predicts: the prediction at each word's first sub-token ('O' if truncated away). */
export function wordTagPredictions(tokenPreds: readonly Int32Array[], wordStarts: readonly Int32Array[], labels: readonly string[]): string[][] {
  const o = labels.includes('O') ? 'O' : (labels[0] as string);
  return wordStarts.map((starts, i) => Array.from(starts, (k) => (k < 0 ? o : (labels[(tokenPreds[i] as Int32Array)[k] as number] as string))));
}

/**
 * The figures of one task on its labelled rows: multi-class accuracy and macro F1; multi-label macro / micro
 * mAP and macro F1; token tagging span-level micro F1 (seqeval) with precision, recall and word accuracy.
 */
export function taskMetrics(task: ResolvedTask, predictions: Float32Array | Int32Array[], targets: TaskTargets, encoded: EncodedSplit): Record<string, number> {
  const rows = [...targets.has.keys()].filter((i) => targets.has[i]);
  const L = task.labels.length;
  if (rows.length === 0) return {};
  if (task.type === 'multi-class') {
    const scores = predictions as Float32Array;
    const yTrue = rows.map((i) => (targets.classes as Int32Array)[i] as number);
    const yPred = rows.map((i) => {
      let best = 0;
      for (let c = 1; c < L; c++) if ((scores[i * L + c] as number) > (scores[i * L + best] as number)) best = c;
      return best;
    });
    return { accuracy: accuracy(yTrue, yPred), f1_macro: multiClassMacroF1(yTrue, yPred).value, rows: rows.length };
  }
  if (task.type === 'multi-label') {
    const scores = predictions as Float32Array;
    const hot = targets.multiHot as Float32Array;
    const m = computeMultiLabelMetrics(
      rows.map((i) => Array.from(hot.subarray(i * L, (i + 1) * L))),
      rows.map((i) => Array.from(scores.subarray(i * L, (i + 1) * L))),
      { labelNames: task.labels },
    );
    return { map_macro: m.mapMacro, map_micro: m.mapMicro, f1_macro: m.f1Macro, rows: rows.length };
  }
  const predicted = wordTagPredictions(rows.map((i) => (predictions as Int32Array[])[i] as Int32Array), rows.map((i) => (encoded.wordStarts as Int32Array[])[i] as Int32Array), task.labels);
  const truth = rows.map((i) => ((targets.wordTags as number[][])[i] as number[]).map((g) => task.labels[g] as string));
  const f = spanF1(truth, predicted);
  let right = 0;
  let words = 0;
  truth.forEach((s, i) => s.forEach((g, j) => ((words += 1), (right += g === (predicted[i] as string[])[j] ? 1 : 0))));
  return { span_f1: f.f1, span_precision: f.precision, span_recall: f.recall, word_accuracy: words ? right / words : 0, rows: rows.length };
}
