import { WorkbenchError } from '@workbench/core';
import { createLoss, drawMixupPairs, mixupTargets, type MixupLevel } from '@workbench/losses';
import { tf } from '@workbench/tensor';
import type { PuMethodConfig } from '../cell-config.ts';
import { fit } from '../fit.ts';
import type { MethodContext } from '../method-context.ts';
import { puForward } from '../pu-forward.ts';
import { labelBalancedSampler, randomSampler } from '../samplers.ts';
import { makeTokenBatch } from '../token-batch.ts';
import { labelTensor } from './supervised-step.ts';

const LOSS_OF_FORM: Record<string, string> = { norm: 'dallmi-norm', log: 'vpu' };

/**
 * Stage 2 of VPU and DALLMi: a variational PU loss per label on observed positives (P) vs the rest (U),
 * plus a MixUp penalty for every label with P and U in the batch, all labels in one forward pass.
 * `configPath` names the config section ('dallmi' or 'vpu') in errors.
 */
export async function trainPu(ctx: MethodContext, cfg: PuMethodConfig, configPath: string): Promise<void> {
  const { targetTrain } = ctx.data;
  const labels = targetTrain.labels;
  if (!labels) throw new WorkbenchError('INTERNAL', `${configPath}: PU training needs the observed target labels`);
  const lossName = LOSS_OF_FORM[cfg.loss];
  if (!lossName) throw new WorkbenchError('CONFIG_TYPE', `unknown loss form '${cfg.loss}'; valid: norm, log`, { where: { path: `${configPath}.loss` } });
  const variational = createLoss(lossName, {}, { path: `${configPath}.loss` });
  const level = cfg.mixup.level as MixupLevel;
  const mixup = cfg.mixup.enabled
    ? createLoss(
        'mixup',
        { level: cfg.mixup.level, pairing: cfg.mixup.pairing, gradient: cfg.mixup.gradient, weight: cfg.mixup.weight, alpha: cfg.mixup.alpha, form: cfg.loss },
        { path: `${configPath}.mixup` },
      )
    : undefined;
  const optim = ctx.config.target;
  const batchRng = ctx.rng.derive('batches');
  const batches =
    cfg.sampler === 'label-balanced'
      ? labelBalancedSampler(labels, optim.batchSize, batchRng)
      : cfg.sampler === 'random'
        ? randomSampler(targetTrain.ids.length, optim.batchSize, batchRng)
        : (() => {
            throw new WorkbenchError('CONFIG_TYPE', `unknown sampler '${cfg.sampler}'; valid: label-balanced, random`, { where: { path: `${configPath}.sampler` } });
          })();
  const L = labels.numLabels;

  await fit({
    stage: 'target',
    variables: ctx.model.variables(),
    optim,
    batches,
    loss: (rows, rng) => {
      const batch = makeTokenBatch(targetTrain.ids, rows, ctx.model.padId);
      const y = labelTensor(labels, rows);
      const observed = rows.map((r) => Array.from(labels.data.subarray(r * L, (r + 1) * L)));
      const pairs = mixup ? drawMixupPairs(observed, rng.derive('mixup'), cfg.mixup.alpha) : [];
      const out = puForward(ctx.model, batch, pairs, level, true);
      let total = variational.compute({ logits: out.logits, labels: y }).loss;
      if (mixup && out.mixedLogits && out.scoreU && out.mu) {
        const targets = mixupTargets(out.mu, out.scoreU, cfg.mixup.pairing as 'vpu' | 'reference');
        total = tf.add(total, mixup.compute({ mixedLogits: out.mixedLogits, targets }).loss) as tf.Scalar;
      }
      return total;
    },
    env: ctx,
    onEpochEnd: (epoch) => ctx.evaluate('target', epoch),
  });
}
