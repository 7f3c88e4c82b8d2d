import { createLoss } from '@workbench/losses';
import { AdamW, trainStep } from '@workbench/model';
import { tf } from '@workbench/tensor';
import { STAGE1_KEYS } from '../depends-on.ts';
import { discriminatorFor } from '../discriminator.ts';
import { throwIfAborted } from '../fit.ts';
import type { DallmiMethod } from '../method-registry.ts';
import { randomSampler } from '../samplers.ts';
import { makeTokenBatch } from '../token-batch.ts';

/**
 * The paper's unsupervised baseline, AAD (adversarial adaptation with distillation, Ryu & Lee 2020): a target
 * encoder initialised from the source one learns to fool a domain discriminator (source = 1, target = 0; the
 * public code labels both 1, a bug) while distilling the frozen source model's predictions on source text
 * (T^2 KL at temperature T). The source classifier stays frozen. Target labels are never used.
 */
export const UNSUPERVISED: DallmiMethod = {
  name: 'unsupervised',
  description: 'AAD: adversarial adaptation with distillation, no target labels',
  dependsOn: [...STAGE1_KEYS, 'unsupervised'],
  targetLabels: 'none',
  startsFrom: 'source',
  async train(ctx) {
    const cfg = ctx.config.unsupervised;
    const { source, targetTrain } = ctx.data;
    const teacher = ctx.cloneModel();
    const student = ctx.model;
    const disc = discriminatorFor(student.encoder.hiddenSize, cfg.discriminatorWidth, ctx.rng.derive('discriminator').seedInt());
    const domainLoss = createLoss('domain-adversarial', {}, { path: 'unsupervised' });
    const distill = createLoss('distillation', { temperature: cfg.temperature }, { path: 'unsupervised.temperature' });
    // Only the encoder adapts: the source classifier (head) is frozen, as in AAD.
    const encoderVars = new Map([...student.variables()].filter(([k]) => k.startsWith('encoder.')));
    const optD = new AdamW({ lr: cfg.lr, weightDecay: 0 });
    const optE = new AdamW({ lr: cfg.lr, weightDecay: 0 });
    const stepsPerEpoch = Math.max(1, Math.ceil(targetTrain.ids.length / cfg.batchSize));
    const targetBatches = randomSampler(targetTrain.ids.length, cfg.batchSize, ctx.rng.derive('target-batches'));
    const sourceBatches = randomSampler(source.ids.length, cfg.batchSize, ctx.rng.derive('source-batches'));
    let step = 0;
    try {
      for (let e = 0; e < cfg.epochs; e++) {
        const tb = targetBatches(e);
        const sb = sourceBatches(e);
        let dSum = 0;
        let eSum = 0;
        const t0 = performance.now();
        for (let i = 0; i < Math.min(stepsPerEpoch, tb.length); i++) {
          const tRows = tb[i] as number[];
          const sRows = sb[i % sb.length] as number[];
          const tBatch = makeTokenBatch(targetTrain.ids, tRows, student.padId);
          const sBatch = makeTokenBatch(source.ids, sRows, student.padId);
          try {
            const domainLabels = tf.tensor1d([...sRows.map(() => 1), ...tRows.map(() => 0)]);
            // The teacher is frozen and in eval mode: one pass per step serves both the discriminator and distillation.
            const teacherFeatures = tf.tidy(() => teacher.features(sBatch.inputIds, sBatch.attentionMask, false));
            const teacherLogits = tf.tidy(() => teacher.logitsFromFeatures(teacherFeatures, false));
            const d = trainStep(
              () => {
                const fs = teacherFeatures;
                const ft = student.features(tBatch.inputIds, tBatch.attentionMask, false);
                return domainLoss.compute({ domainLogits: disc.apply(tf.concat([fs, ft], 0)), domainLabels }).loss;
              },
              disc.variables(),
              optD,
              { clipNorm: cfg.clipNorm, where: `unsupervised discriminator (epoch ${e + 1})` },
            );
            const fool = tf.ones([tRows.length]);
            const r = trainStep(
              () => {
                const adversarial = domainLoss.compute({ domainLogits: disc.apply(student.features(tBatch.inputIds, tBatch.attentionMask, true)), domainLabels: fool }).loss;
                const kd = distill.compute({ logits: student.logits(sBatch.inputIds, sBatch.attentionMask, true), teacherLogits }).loss;
                return tf.add(adversarial, kd) as tf.Scalar;
              },
              encoderVars,
              optE,
              { clipNorm: cfg.clipNorm, where: `unsupervised encoder (epoch ${e + 1})` },
            );
            tf.dispose([domainLabels, fool, teacherFeatures, teacherLogits]);
            dSum += d.loss;
            eSum += r.loss;
            step++;
            ctx.onProgress?.({ stage: 'target', epoch: e + 1, epochs: cfg.epochs, step, steps: cfg.epochs * stepsPerEpoch, loss: r.loss });
          } finally {
            tf.dispose([tBatch.inputIds, tBatch.attentionMask, sBatch.inputIds, sBatch.attentionMask]);
          }
          throwIfAborted(ctx.signal, `unsupervised stopped at step ${step} (epoch ${e + 1})`);
        }
        const n = Math.max(1, Math.min(stepsPerEpoch, tb.length));
        await ctx.logger.logMetrics(
          { 'target.train_loss': eSum / n, 'target.discriminator_loss': dSum / n, 'target.epoch_seconds': (performance.now() - t0) / 1000 },
          e + 1,
        );
        await ctx.evaluate('target', e + 1);
      }
    } finally {
      optD.dispose();
      optE.dispose();
      disc.dispose();
      teacher.dispose();
    }
  },
};
