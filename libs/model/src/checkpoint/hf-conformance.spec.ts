import { TEST_BACKENDS, tf, useBackend } from '@workbench/tensor';
import { BERT_TINY, ROBERTA_TINY, maxAbsDiff, readExpected } from './hf-fixtures.test-helper.ts';
import { loadHfModel } from './load-hf-model.ts';

/**
 * Conformance with transformers 4.30 (fixtures/hf): forward outputs within 1e-5 absolute on every row including
 * padded positions, the BCE loss within 1e-6, gradients within 1e-6; on every test backend; no tensor leaks.
 * The recorded input_ids are used directly so this does not depend on the tokenizer.
 */
const FORWARD_ATOL = 1e-5;
const LOSS_ATOL = 1e-6;
const GRAD_ATOL = 1e-6; // the README recommends 1e-6 for gradients (float64 differs by <= 3.8e-8); the issue asks for 1e-5

const ids2d = (rows: number[][]): tf.Tensor2D => tf.tensor2d(rows, undefined, 'int32');

/** The max abs differences found, printed once so a run shows how close it is (not just that it passed). */
const found: Record<string, number> = {};
afterAll(() => console.log(`max |diff| vs transformers 4.30:\n${Object.entries(found).map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join('\n')}`));

function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  // max(x, 0) - x y + log(1 + exp(-|x|)), averaged over every element (PyTorch's reduction='mean').
  return tf.mean(tf.relu(logits).sub(logits.mul(labels)).add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))) as tf.Scalar;
}

describe.each(TEST_BACKENDS)('Hugging Face conformance on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('bert-tiny: embeddings, last_hidden_state, pooler_output, logits, pair example', async () => {
    const exp = readExpected(BERT_TINY);
    const model = await loadHfModel(BERT_TINY, { tokenizer: false, warn: () => undefined });
    expect(model.unusedTensors).toEqual([]);
    expect(model.head?.outputSize).toBe(5);
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const ids = ids2d(exp.batch.input_ids);
      const mask = ids2d(exp.batch.attention_mask);
      const types = ids2d(exp.batch.token_type_ids);
      const emb = model.encoder.embed(ids, { tokenTypeIds: types });
      const { lastHiddenState, poolerOutput } = model.encoder.forward({ inputIds: ids, attentionMask: mask, tokenTypeIds: types });
      const logits = model.head!.apply(poolerOutput);
      const pair = model.encoder.forward({ inputIds: ids2d([exp.pair_example.input_ids]), attentionMask: ids2d([exp.pair_example.attention_mask]), tokenTypeIds: ids2d([exp.pair_example.token_type_ids]) });
      return {
        emb0: emb.slice([0, 0, 0], [1, -1, -1]).dataSync(),
        last: lastHiddenState.dataSync(),
        pooled: poolerOutput.dataSync(),
        logits: logits.dataSync(),
        pairLast: pair.lastHiddenState.dataSync(),
        pairPooled: pair.poolerOutput.dataSync(),
        pairLogits: model.head!.apply(pair.poolerOutput).dataSync(),
      };
    });
    expect(tf.memory().numTensors).toBe(before);
    const checks: [string, ArrayLike<number>, number[]][] = [
      ['embeddings_output_text0', out.emb0, exp.forward.embeddings_output_text0.data],
      ['last_hidden_state', out.last, exp.forward.last_hidden_state.data],
      ['pooler_output', out.pooled, exp.forward.pooler_output.data],
      ['logits', out.logits, exp.forward.logits.data],
      ['pair last_hidden_state', out.pairLast, exp.pair_example.last_hidden_state.data],
      ['pair pooler_output', out.pairPooled, exp.pair_example.pooler_output.data],
      ['pair logits', out.pairLogits, exp.pair_example.logits.data],
    ];
    for (const [name, actual, expected] of checks) {
      const d = maxAbsDiff(actual, expected);
      found[`${backend} bert ${name}`] = d;
      expect(d).toBeLessThanOrEqual(FORWARD_ATOL);
    }
    model.dispose();
  });

  it('bert-tiny: BCE loss and gradients of classifier.weight/bias and the touched word-embedding rows', async () => {
    const exp = readExpected(BERT_TINY);
    const model = await loadHfModel(BERT_TINY, { tokenizer: false, warn: () => undefined });
    const gc = exp.gradient_check;
    const wordVar = model.encoder.variables().get('embeddings.word_embeddings.weight')!;
    const headVars = model.head!.variables();
    const before = tf.memory().numTensors;
    const result = tf.tidy(() => {
      const ids = ids2d(exp.batch.input_ids);
      const mask = ids2d(exp.batch.attention_mask);
      const types = ids2d(exp.batch.token_type_ids);
      const labels = tf.tensor2d(gc.labels);
      const { value, grads } = tf.variableGrads(() => {
        const { poolerOutput } = model.encoder.forward({ inputIds: ids, attentionMask: mask, tokenTypeIds: types });
        return bceWithLogits(model.head!.apply(poolerOutput), labels);
      }, [wordVar, headVars.get('weight')!, headVars.get('bias')!]);
      const rows = tf.tensor1d(gc.grad_word_embeddings.row_indices, 'int32');
      const wordGrad = grads[wordVar.name]!;
      const touched = new Set<number>(gc.grad_word_embeddings.row_indices);
      const untouched = tf.tensor1d(Array.from({ length: wordVar.shape[0] }, (_, i) => i).filter((i) => !touched.has(i)), 'int32');
      return {
        loss: value.dataSync()[0] as number,
        // Our kernel is [in, out]; the checkpoint's gradient is [out, in].
        weight: grads[headVars.get('weight')!.name]!.transpose().dataSync(),
        bias: grads[headVars.get('bias')!.name]!.dataSync(),
        rows: tf.gather(wordGrad, rows).dataSync(),
        untouchedMaxAbs: tf.gather(wordGrad, untouched).abs().max().dataSync()[0] as number,
      };
    });
    expect(tf.memory().numTensors).toBe(before);
    found[`${backend} bert loss`] = Math.abs(result.loss - gc.loss);
    expect(Math.abs(result.loss - Math.fround(gc.loss))).toBeLessThanOrEqual(LOSS_ATOL);
    for (const [name, actual, expected] of [
      ['grad classifier.weight', result.weight, gc.grad_classifier_weight.data],
      ['grad classifier.bias', result.bias, gc.grad_classifier_bias.data],
      ['grad word_embeddings rows', result.rows, gc.grad_word_embeddings.rows.data],
    ] as [string, ArrayLike<number>, number[]][]) {
      const d = maxAbsDiff(actual, expected);
      found[`${backend} bert ${name}`] = d;
      expect(d).toBeLessThanOrEqual(GRAD_ATOL);
    }
    // The [PAD] row (padding_idx) gets exactly zero gradient, as in PyTorch, and so does every untouched row.
    const padRow = Array.from(result.rows.slice(0, 32));
    expect(gc.grad_word_embeddings.row_indices[0]).toBe(0);
    expect(padRow.every((x) => x === 0)).toBe(true);
    expect(result.untouchedMaxAbs).toBe(0);
    model.dispose();
  });

  it('roberta-tiny: embeddings, last_hidden_state, pooler_output, pair example', async () => {
    const exp = readExpected(ROBERTA_TINY);
    const model = await loadHfModel(ROBERTA_TINY, { tokenizer: false, warn: () => undefined });
    expect(model.prefix).toBe('');
    expect(model.head).toBeUndefined();
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const ids = ids2d(exp.batch.input_ids);
      const mask = ids2d(exp.batch.attention_mask);
      const emb = model.encoder.embed(ids);
      const { lastHiddenState, poolerOutput } = model.encoder.forward({ inputIds: ids, attentionMask: mask });
      const pair = model.encoder.forward({ inputIds: ids2d([exp.pair_example.input_ids]), attentionMask: ids2d([exp.pair_example.attention_mask]) });
      return {
        emb0: emb.slice([0, 0, 0], [1, -1, -1]).dataSync(),
        last: lastHiddenState.dataSync(),
        pooled: poolerOutput.dataSync(),
        pairLast: pair.lastHiddenState.dataSync(),
        pairPooled: pair.poolerOutput.dataSync(),
      };
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const [name, actual, expected] of [
      ['embeddings_output_text0', out.emb0, exp.forward.embeddings_output_text0.data],
      ['last_hidden_state', out.last, exp.forward.last_hidden_state.data],
      ['pooler_output', out.pooled, exp.forward.pooler_output.data],
      ['pair last_hidden_state', out.pairLast, exp.pair_example.last_hidden_state.data],
      ['pair pooler_output', out.pairPooled, exp.pair_example.pooler_output.data],
    ] as [string, ArrayLike<number>, number[]][]) {
      const d = maxAbsDiff(actual, expected);
      found[`${backend} roberta ${name}`] = d;
      expect(d).toBeLessThanOrEqual(FORWARD_ATOL);
    }
    model.dispose();
  });
});
