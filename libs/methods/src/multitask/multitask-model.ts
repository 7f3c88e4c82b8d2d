import { WorkbenchError } from '@workbench/core';
import { MultiClassHead, MultiLabelHead, TokenTaggingHead, type ClassificationHead, type Encoder } from '@workbench/model';
import { tf } from '@workbench/tensor';
import { disposeBatch, makeTokenBatch, type TokenIds } from '../token-batch.ts';
import { resolvePooling, type PoolingName, type SequencePooling } from './sequence-pooling.ts';
import type { ResolvedTask } from './task-data.ts';

/** Weights by name with their values, as saved to and read from safetensors. */
export type WeightMap = Map<string, { shape: number[]; values: Float32Array }>;

/**
 * One shared backbone (an `Encoder`: BERT-style encoder or GPT-2 style decoder) and one head per task:
 * multi-class and multi-label heads read the pooled vector, token-tagging heads read every hidden state.
 * A forward pass runs the backbone once and every requested head on its output, which is what makes one
 * multi-task model cheaper to serve than one model per task.
 */
export class MultitaskModel {
  readonly heads = new Map<string, ClassificationHead>();
  /** How classification heads read the backbone (see `resolvePooling`); tagging heads read every token. */
  readonly pooling: SequencePooling;

  constructor(
    readonly encoder: Encoder,
    readonly tasks: readonly ResolvedTask[],
    readonly padId: number,
    seed: number,
    pooling: PoolingName = 'auto',
  ) {
    this.pooling = resolvePooling(pooling, encoder);
    tasks.forEach((task, i) => {
      const config = { inputSize: encoder.hiddenSize, numLabels: task.labels.length, seed: seed + 1 + i };
      const head = task.type === 'multi-label' ? new MultiLabelHead(config) : task.type === 'multi-class' ? new MultiClassHead(config) : new TokenTaggingHead(config);
      this.heads.set(task.name, head);
    });
  }

  /** Logits of each requested task: [batch, labels] (classification) or [batch, seq, tags] (tagging). */
  logits(inputIds: tf.Tensor2D, mask: tf.Tensor2D, taskNames: readonly string[], training: boolean): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    const hidden = this.encoder.encode(this.encoder.embed(inputIds, { training }), mask, { training });
    let pooled: tf.Tensor2D | undefined;
    for (const name of taskNames) {
      const head = this.head(name);
      if (head.kind === 'token-tagging') {
        out.set(name, head.apply(hidden, { training }));
      } else {
        pooled ??= this.pooling.pool(this.encoder, hidden, mask, training);
        out.set(name, head.apply(pooled, { training }));
      }
    }
    return out;
  }

  head(name: string): ClassificationHead {
    const h = this.heads.get(name);
    if (!h) throw new WorkbenchError('UNKNOWN_NAME', `this model has no head '${name}'; heads: ${[...this.heads.keys()].join(', ')}`);
    return h;
  }

  /**
   * Eval-mode outputs of the requested tasks for every row of a corpus, in batches sorted by length:
   * probabilities rows x labels (classification), or the argmax tag of every token (tagging, one Int32Array per row).
   */
  predict(corpus: readonly TokenIds[], taskNames: readonly string[] = [...this.heads.keys()], batchSize = 64): Map<string, Float32Array | Int32Array[]> {
    const out = new Map<string, Float32Array | Int32Array[]>();
    for (const name of taskNames) out.set(name, this.head(name).kind === 'token-tagging' ? new Array<Int32Array>(corpus.length) : new Float32Array(corpus.length * this.head(name).outputSize));
    const order = Array.from(corpus.keys()).sort((a, b) => (corpus[a] as TokenIds).length - (corpus[b] as TokenIds).length);
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const batch = makeTokenBatch(corpus, rows, this.padId);
      const results = tf.tidy(() => {
        const logits = this.logits(batch.inputIds, batch.attentionMask, taskNames, false);
        return taskNames.map((name) => {
          const l = logits.get(name) as tf.Tensor;
          const head = this.head(name);
          return head.kind === 'token-tagging' ? tf.argMax(l, -1) : head.predict(l);
        });
      });
      disposeBatch(batch);
      results.forEach((t, k) => {
        const name = taskNames[k] as string;
        const values = t.dataSync();
        const target = out.get(name) as Float32Array | Int32Array[];
        if (Array.isArray(target)) {
          const seq = t.shape[1] as number;
          rows.forEach((r, i) => (target[r] = Int32Array.from(values.subarray(i * seq, i * seq + (corpus[r] as TokenIds).length))));
        } else {
          const L = this.head(name).outputSize;
          rows.forEach((r, i) => target.set(values.subarray(i * L, (i + 1) * L) as Float32Array, r * L));
        }
        t.dispose();
      });
    }
    return out;
  }

  /**
   * Every trainable weight: `encoder.<hf name>` and `heads.<task>.<name>`. Encoder weights the pooling leaves
   * unused (BERT's pooler under mean pooling) are left out: never trained, counted, saved or timed.
   */
  variables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    const unused = this.pooling.unusedWeights(this.encoder);
    for (const [k, v] of this.encoder.variables()) if (!unused(k)) out.set(`encoder.${k}`, v);
    for (const [task, head] of this.heads) for (const [k, v] of head.variables()) out.set(`heads.${task}.${k}`, v);
    return out;
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.variables().values()) n += v.size;
    return n;
  }

  snapshot(): WeightMap {
    const out: WeightMap = new Map();
    for (const [k, v] of this.variables()) out.set(k, { shape: v.shape, values: v.dataSync() as Float32Array });
    return out;
  }

  /** Loads weights saved by `snapshot`: every weight present, with its shape. */
  restore(weights: WeightMap): void {
    for (const [k, v] of this.variables()) {
      const w = weights.get(k);
      if (!w) throw new WorkbenchError('CHECKPOINT_INVALID', `weight '${k}' is missing from the checkpoint`);
      if (w.shape.join('x') !== v.shape.join('x')) throw new WorkbenchError('CHECKPOINT_INVALID', `weight '${k}' has shape [${w.shape}] in the checkpoint, expected [${v.shape}]`);
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape, v.dtype)));
    }
  }

  dispose(): void {
    this.encoder.dispose();
    for (const h of this.heads.values()) h.dispose();
  }
}
