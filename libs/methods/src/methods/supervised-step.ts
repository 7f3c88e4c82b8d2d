import { createLoss } from '@workbench/losses';
import { fit } from '../fit.ts';
import type { MethodContext } from '../method-context.ts';
import { randomSampler } from '../samplers.ts';
import { tf } from '@workbench/tensor';
import type { MultiLabelClassifier } from '../classifier.ts';
import type { LabelMatrix } from '../label-matrix.ts';
import { makeTokenBatch, type TokenIds } from '../token-batch.ts';

/** Labels of the given rows as a [rows, L] float tensor. */
export function labelTensor(labels: LabelMatrix, rows: readonly number[]): tf.Tensor2D {
  const L = labels.numLabels;
  const out = new Float32Array(rows.length * L);
  rows.forEach((r, i) => {
    for (let j = 0; j < L; j++) out[i * L + j] = labels.data[r * L + j] as number;
  });
  return tf.tensor2d(out, [rows.length, L]);
}

/**
 * A supervised multi-label step: `lossName` ('bce' for full labels, 'assume-negative-bce' for observed ones)
 * on the logits of the batch. Returns a closure for `fit`.
 */
export function supervisedLoss(model: MultiLabelClassifier, ids: readonly TokenIds[], labels: LabelMatrix, lossName: string) {
  const loss = createLoss(lossName);
  return (rows: number[]): tf.Scalar => {
    const batch = makeTokenBatch(ids, rows, model.padId);
    const y = labelTensor(labels, rows);
    return loss.compute({ logits: model.logits(batch.inputIds, batch.attentionMask, true), labels: y }).loss;
  };
}

/** Stage 2 by plain supervised fine-tuning on the target-train labels the method may see. */
export async function trainSupervisedTarget(ctx: MethodContext, lossName: string): Promise<void> {
  const { targetTrain } = ctx.data;
  const optim = ctx.config.target;
  await fit({
    stage: 'target',
    variables: ctx.model.variables(),
    optim,
    batches: randomSampler(targetTrain.ids.length, optim.batchSize, ctx.rng.derive('batches')),
    loss: supervisedLoss(ctx.model, targetTrain.ids, targetTrain.labels!, lossName),
    env: ctx,
    onEpochEnd: (epoch) => ctx.evaluate('target', epoch),
  });
}
