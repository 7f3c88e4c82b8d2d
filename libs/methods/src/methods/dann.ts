import { createLoss, dannLambda, gradientReversal } from '@workbench/losses';
import { tf } from '@workbench/tensor';
import { STAGE1_KEYS } from '../depends-on.ts';
import { discriminatorFor } from '../discriminator.ts';
import { fit } from '../fit.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { randomSampler } from '../samplers.ts';
import { makeTokenBatch } from '../token-batch.ts';
import { labelTensor } from './supervised-step.ts';

/**
 * DANN (Ganin et al. 2016): source BCE plus a domain discriminator on pooled features through a gradient-
 * reversal layer, whose weight ramps up with Ganin's schedule over training progress. Starts from the
 * stage-1 model; target labels are never used.
 */
export const DANN: DallmiMethod = {
  name: 'dann',
  description: 'domain-adversarial training (gradient reversal), no target labels',
  dependsOn: [...STAGE1_KEYS, 'dann'],
  targetLabels: 'none',
  startsFrom: 'source',
  async train(ctx) {
    const cfg = ctx.config.dann;
    const { source, targetTrain } = ctx.data;
    const model = ctx.model;
    const disc = discriminatorFor(model.encoder.hiddenSize, cfg.discriminatorWidth, ctx.rng.derive('discriminator').seedInt());
    const bce = createLoss('bce');
    const domainLoss = createLoss('domain-adversarial', {}, { path: 'dann' });
    const variables = new Map([...model.variables(), ...[...disc.variables()].map(([k, v]) => [`discriminator.${k}`, v] as const)]);
    const sourceBatches = randomSampler(source.ids.length, cfg.batchSize, ctx.rng.derive('batches'));
    const totalSteps = Array.from({ length: cfg.epochs }, (_, e) => sourceBatches(e).length).reduce((a, b) => a + b, 0);
    const targetRng = ctx.rng.derive('target-rows');
    let step = 0;
    try {
      await fit({
        stage: 'target',
        variables,
        optim: { lr: cfg.lr, epochs: cfg.epochs, batchSize: cfg.batchSize, weightDecay: 0.01, warmupRatio: 0, clipNorm: cfg.clipNorm },
        batches: sourceBatches,
        loss: (rows) => {
          const lambda = cfg.lambda * dannLambda(step++ / Math.max(1, totalSteps));
          const tRows = rows.map(() => targetRng.int(targetTrain.ids.length));
          const sBatch = makeTokenBatch(source.ids, rows, model.padId);
          const tBatch = makeTokenBatch(targetTrain.ids, tRows, model.padId);
          const fs = model.features(sBatch.inputIds, sBatch.attentionMask, true);
          const ft = model.features(tBatch.inputIds, tBatch.attentionMask, true);
          const task = bce.compute({ logits: model.logitsFromFeatures(fs, true), labels: labelTensor(source.labels, rows) }).loss;
          const domainLabels = tf.tensor1d([...rows.map(() => 1), ...tRows.map(() => 0)]);
          const domain = domainLoss.compute({ domainLogits: disc.apply(gradientReversal(tf.concat([fs, ft], 0), lambda)), domainLabels }).loss;
          return tf.add(task, domain) as tf.Scalar;
        },
        env: ctx,
        onEpochEnd: (epoch) => ctx.evaluate('target', epoch),
      });
    } finally {
      disc.dispose();
    }
  },
};
