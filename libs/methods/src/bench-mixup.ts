import { createRng } from '@workbench/core';
import { createLoss, drawMixupPairs, mixupTargets } from '@workbench/losses';
import { AdamW, MultiLabelHead, TransformerEncoder, resolveTransformerConfig, trainStep } from '@workbench/model';
import { median, tf } from '@workbench/tensor';
import { MultiLabelClassifier } from './classifier.ts';
import { puForward } from './pu-forward.ts';

export interface MixupBenchOptions {
  /** Transformer size preset (default 'mini', 4 x 256). */
  preset?: string;
  labels?: number;
  batch?: number;
  seq?: number;
  vocab?: number;
  runs?: number;
  warmup?: number;
}

export interface MixupBenchResult {
  preset: string;
  labels: number;
  batch: number;
  seq: number;
  mixedRows: number;
  plainMs: number;
  dallmiMs: number;
  plainSequencesPerSecond: number;
  dallmiSequencesPerSecond: number;
  /** dallmiMs / plainMs - 1. */
  overhead: number;
}

/**
 * Train-step time of DALLMi (norm loss + MixUp for every label, mixed rows in the batch's encoder pass) against a
 * plain BCE step on the same model and batch: the cost of MixUp. Forward + backward + AdamW, median after warm-up.
 */
export function benchMixupOverhead(o: MixupBenchOptions = {}): MixupBenchResult {
  const preset = o.preset ?? 'mini';
  const L = o.labels ?? 20;
  const B = o.batch ?? 64;
  const S = o.seq ?? 128;
  const V = o.vocab ?? 8000;
  const runs = o.runs ?? 5;
  const warmup = o.warmup ?? 2;
  const rng = createRng('bench-mixup');
  const encoder = new TransformerEncoder(resolveTransformerConfig(preset, { vocabSize: V, maxPositions: S, seed: 1 }));
  const model = new MultiLabelClassifier(encoder, new MultiLabelHead({ inputSize: encoder.hiddenSize, numLabels: L, seed: 2 }), 0);
  // Every label has observed positives and unlabelled rows in the batch, so MixUp mixes L rows (the worst case).
  const observed = Array.from({ length: B }, (_, i) => Array.from({ length: L }, (_, j) => (i % L === j || rng.next() < 0.05 ? 1 : 0)));
  const ids = tf.tensor2d(Int32Array.from({ length: B * S }, () => 5 + rng.int(V - 5)), [B, S], 'int32');
  const mask = tf.ones([B, S]) as tf.Tensor2D;
  const y = tf.tensor2d(observed.flat(), [B, L]);
  const bce = createLoss('bce');
  const variational = createLoss('dallmi-norm');
  const mixup = createLoss('mixup', { form: 'norm' });
  const vars = model.variables();
  const time = (step: () => tf.Scalar): number => {
    const opt = new AdamW({ lr: 1e-5 });
    try {
      const once = (): number => {
        const t0 = performance.now();
        trainStep(step, vars, opt, { clipNorm: 1 });
        return performance.now() - t0;
      };
      for (let i = 0; i < warmup; i++) once();
      return median(Array.from({ length: runs }, once));
    } finally {
      opt.dispose();
    }
  };
  try {
    const plainMs = time(() => bce.compute({ logits: model.logits(ids, mask, true), labels: y }).loss);
    let mixedRows = 0;
    const dallmiMs = time(() => {
      const pairs = drawMixupPairs(observed, rng, 0.3);
      mixedRows = pairs.length;
      const out = puForward(model, { inputIds: ids, attentionMask: mask }, pairs, 'embedding', true);
      const loss = variational.compute({ logits: out.logits, labels: y }).loss;
      return tf.add(loss, mixup.compute({ mixedLogits: out.mixedLogits!, targets: mixupTargets(out.mu!, out.scoreU!, 'vpu') }).loss) as tf.Scalar;
    });
    return {
      preset,
      labels: L,
      batch: B,
      seq: S,
      mixedRows,
      plainMs,
      dallmiMs,
      plainSequencesPerSecond: (B * 1000) / plainMs,
      dallmiSequencesPerSecond: (B * 1000) / dallmiMs,
      overhead: dallmiMs / plainMs - 1,
    };
  } finally {
    tf.dispose([ids, mask, y]);
    model.dispose();
  }
}
