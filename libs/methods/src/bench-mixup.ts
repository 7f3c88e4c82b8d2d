import { createRng } from '@workbench/core';
import { createLoss, drawMixupPairs, mixupTargets } from '@workbench/losses';
import { AdamW, MultiLabelHead, TransformerEncoder, resolveTransformerConfig, trainStep } from '@workbench/model';
import { median, tf, wasmHeapBytes } from '@workbench/tensor';
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
  /** Recompute each encoder layer in the backward pass (TransformerEncoder.gradientCheckpointing). */
  gradientCheckpointing?: boolean;
}

export interface MixupBenchResult {
  preset: string;
  labels: number;
  batch: number;
  seq: number;
  mixedRows: number;
  /** Median wall time per step. */
  plainMs: number;
  dallmiMs: number;
  /** Median CPU time of this process per step (user + system): the steadier figure on a busy machine. */
  plainCpuMs: number;
  dallmiCpuMs: number;
  plainSequencesPerSecond: number;
  dallmiSequencesPerSecond: number;
  /** Median over the timed pairs of dallmi / plain wall time, minus 1 (each pair runs back to back). */
  overhead: number;
  /** The same from CPU time. */
  cpuOverhead: number;
  /** Size of the wasm heap after the run (it only grows: the step's high-water mark), or null off wasm. */
  wasmHeapBytes: number | null;
}

/**
 * Train-step time of DALLMi (norm loss + MixUp for every label, mixed rows in the batch's encoder pass) against a
 * plain BCE step on the same model and batch: the cost of MixUp. Forward + backward + AdamW, after warm-up; the
 * variants alternate step by step and the overhead is the median of the pairs' ratios (robust to a load that
 * changes during the run), from wall and from CPU time.
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
  encoder.gradientCheckpointing = o.gradientCheckpointing ?? false;
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
  const plainOpt = new AdamW({ lr: 1e-5 });
  const dallmiOpt = new AdamW({ lr: 1e-5 });
  const once = (step: () => tf.Scalar, opt: AdamW): { wall: number; cpu: number } => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    trainStep(step, vars, opt, { clipNorm: 1 });
    const c = process.cpuUsage(c0);
    return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
  };
  try {
    const plain = (): tf.Scalar => bce.compute({ logits: model.logits(ids, mask, true), labels: y }).loss;
    let mixedRows = 0;
    const dallmi = (): tf.Scalar => {
      const pairs = drawMixupPairs(observed, rng, 0.3);
      mixedRows = pairs.length;
      const out = puForward(model, { inputIds: ids, attentionMask: mask }, pairs, 'embedding', true);
      const loss = variational.compute({ logits: out.logits, labels: y }).loss;
      return tf.add(loss, mixup.compute({ mixedLogits: out.mixedLogits!, targets: mixupTargets(out.mu!, out.scoreU!, 'vpu') }).loss) as tf.Scalar;
    };
    for (let i = 0; i < warmup; i++) {
      once(plain, plainOpt);
      once(dallmi, dallmiOpt);
    }
    // Pairs back to back, so both variants see the same machine load; the overhead is the median pair ratio.
    const pairs = Array.from({ length: runs }, () => ({ plain: once(plain, plainOpt), dallmi: once(dallmi, dallmiOpt) }));
    const plainMs = median(pairs.map((p) => p.plain.wall));
    const dallmiMs = median(pairs.map((p) => p.dallmi.wall));
    return {
      preset,
      labels: L,
      batch: B,
      seq: S,
      mixedRows,
      plainMs,
      dallmiMs,
      plainCpuMs: median(pairs.map((p) => p.plain.cpu)),
      dallmiCpuMs: median(pairs.map((p) => p.dallmi.cpu)),
      plainSequencesPerSecond: (B * 1000) / plainMs,
      dallmiSequencesPerSecond: (B * 1000) / dallmiMs,
      overhead: median(pairs.map((p) => p.dallmi.wall / p.plain.wall)) - 1,
      cpuOverhead: median(pairs.map((p) => p.dallmi.cpu / p.plain.cpu)) - 1,
      wasmHeapBytes: wasmHeapBytes(),
    };
  } finally {
    plainOpt.dispose();
    dallmiOpt.dispose();
    tf.dispose([ids, mask, y]);
    model.dispose();
  }
}
