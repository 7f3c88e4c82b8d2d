import { WorkbenchError, type Rng, type RunLogger } from '@workbench/core';
import { MaskedLmHead, maskTokens, maskedCrossEntropy } from '@workbench/model';
import { tf } from '@workbench/tensor';
import type { Backbone } from './backbones.ts';
import type { CellConfig } from './cell-config.ts';
import type { MultiLabelClassifier } from './classifier.ts';
import { fit } from './fit.ts';
import { initHeadBias } from './head-bias.ts';
import type { LabelMatrix } from './label-matrix.ts';
import type { Progress } from './method.ts';
import { supervisedLoss } from './methods/supervised-step.ts';
import { randomSampler } from './samplers.ts';
import { makeTokenBatch, type TokenIds } from './token-batch.ts';

export interface Stage1Options {
  config: CellConfig;
  model: MultiLabelClassifier;
  backbone: Backbone;
  sourceIds: TokenIds[];
  sourceLabels: LabelMatrix;
  /** Held-out source rows: stage 1's own model-selection signal (`source.val.map_macro` per epoch). */
  sourceValidation: { ids: TokenIds[]; labels: LabelMatrix; evaluate: (ids: TokenIds[], labels: LabelMatrix) => number };
  /** Unlabelled text for masked-LM pre-training: source and target train, never target test. */
  unlabelledIds: TokenIds[];
  rng: Rng;
  logger: RunLogger;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Stage 0 (optional masked-LM pre-training on unlabelled source + target-train text, as the paper's models
 * start from a language model) and stage 1 (BCE on the labelled source). Shared by every target method.
 */
export async function trainStage1(o: Stage1Options): Promise<void> {
  const env = { config: o.config, rng: o.rng, logger: o.logger, signal: o.signal, onProgress: o.onProgress };
  if (o.config.pretrain.enabled) {
    const vocab = o.backbone.vocabulary;
    if (!vocab) throw new WorkbenchError('CONFIG_INVALID', `masked-LM pre-training needs a transformer backbone, not '${o.config.backbone.kind}'`, { where: { path: 'pretrain.enabled' } });
    const encoder = o.model.encoder;
    const mlm = new MaskedLmHead({ hiddenSize: encoder.hiddenSize, vocabSize: vocab.vocabSize, seed: o.rng.derive('mlm-head').seedInt() });
    const p = o.config.pretrain;
    try {
      await fit({
        stage: 'pretrain',
        variables: new Map([...encoder.variables(), ...[...mlm.variables()].map(([k, v]) => [`mlm.${k}`, v] as const)]),
        optim: { lr: p.lr, epochs: p.epochs, batchSize: p.batchSize, weightDecay: 0.01, warmupRatio: 0.06, clipNorm: 1 },
        batches: randomSampler(o.unlabelledIds.length, p.batchSize, o.rng.derive('pretrain-batches')),
        loss: (rows, rng) => {
          const batch = makeTokenBatch(o.unlabelledIds, rows, vocab.padId);
          const ids = batch.inputIds.dataSync() as Int32Array;
          const masked = maskTokens(ids, vocab, rng, { attentionMask: batch.attentionMask.dataSync(), config: { probability: p.maskProb } });
          const input = tf.tensor2d(masked.inputIds, batch.inputIds.shape, 'int32');
          const hidden = encoder.encode(encoder.embed(input, { training: true }), batch.attentionMask, { training: true });
          return maskedCrossEntropy(mlm.apply(hidden, { training: true }), tf.tensor2d(masked.labels, batch.inputIds.shape, 'int32'));
        },
        env,
      });
    } finally {
      mlm.dispose();
    }
  }
  initHeadBias(o.model, o.sourceLabels, o.config.backbone.headBias);
  const s = o.config.source;
  await fit({
    stage: 'source',
    variables: o.model.variables(),
    optim: s,
    batches: randomSampler(o.sourceIds.length, s.batchSize, o.rng.derive('source-batches')),
    loss: supervisedLoss(o.model, o.sourceIds, o.sourceLabels, 'bce'),
    env,
    onEpochEnd: async (epoch) => {
      if (o.sourceValidation.ids.length === 0) return;
      await o.logger.logMetric('source.val.map_macro', o.sourceValidation.evaluate(o.sourceValidation.ids, o.sourceValidation.labels), epoch);
    },
  });
}

