import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, useBackend } from '@workbench/tensor';
import { ClassifierHead } from './classifier-head.ts';
import { BERT_TINY, ROBERTA_TINY } from './hf-fixtures.test-helper.ts';
import { loadHfModel } from './load-hf-model.ts';
import { parseSafetensors, serializeSafetensors } from './safetensors.ts';
import { saveHfModel } from './save-hf-model.ts';

const quiet = { tokenizer: false, warn: () => undefined } as const;
let tmp: string;

beforeAll(async () => {
  await useBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'workbench-roberta-head-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Header = Map<string, { dtype: string; shape: number[] }>;
const header = (file: string): Header =>
  new Map([...parseSafetensors(new Uint8Array(readFileSync(file))).tensors].map(([n, t]) => [n, { dtype: t.dtype, shape: t.shape }]));
const bits = (vars: Map<string, tf.Variable>): Map<string, Uint32Array> => new Map([...vars].map(([k, v]) => [k, new Uint32Array((v.dataSync() as Float32Array).slice().buffer)]));

/** A head of `labels` outputs with seeded values, on `hidden` inputs. */
function head(hidden: number, labels: number): ClassifierHead {
  const kernel = tf.randomNormal([hidden, labels], 0, 0.2, 'float32', 3) as tf.Tensor2D;
  const bias = tf.randomNormal([labels], 0, 0.1, 'float32', 4) as tf.Tensor1D;
  const h = new ClassifierHead('multi-label', kernel, bias);
  tf.dispose([kernel, bias]);
  return h;
}

describe('RoBERTa sequence-classification checkpoints (RobertaForSequenceClassification layout)', () => {
  it('are written with the names, shapes and dtypes transformers uses, and reload bit-identically with the same logits', async () => {
    // The reference RobertaModel's state_dict (roberta-tiny): what RobertaForSequenceClassification holds under
    // 'roberta.', minus the pooler (add_pooling_layer=False), plus classifier.dense [H, H] and out_proj [L, H].
    const bare = await loadHfModel(ROBERTA_TINY, quiet);
    const H = bare.encoder.hiddenSize;
    const model = { encoder: bare.encoder, head: head(H, 3), hfConfig: bare.hfConfig };
    const out = join(tmp, 'roberta-cls');
    saveHfModel(model, out);
    const reference = header(join(ROBERTA_TINY, 'model.safetensors'));
    const expected: Header = new Map([...reference].filter(([n]) => !n.startsWith('pooler.')).map(([n, t]) => [`roberta.${n}`, t]));
    expected.set('classifier.dense.weight', { dtype: 'F32', shape: [H, H] });
    expected.set('classifier.dense.bias', { dtype: 'F32', shape: [H] });
    expected.set('classifier.out_proj.weight', { dtype: 'F32', shape: [3, H] });
    expected.set('classifier.out_proj.bias', { dtype: 'F32', shape: [3] });
    const written = header(join(out, 'model.safetensors'));
    expect(new Map([...written].sort())).toEqual(new Map([...expected].sort()));
    // classifier.dense holds the pooler's weights in PyTorch's [out, in] layout.
    const file = parseSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect(file.tensors.get('classifier.dense.weight')!.bytes).toEqual(parseSafetensors(new Uint8Array(readFileSync(join(ROBERTA_TINY, 'model.safetensors')))).tensors.get('pooler.dense.weight')!.bytes);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['RobertaForSequenceClassification'], model_type: 'roberta', problem_type: 'multi_label_classification', id2label: { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' } });

    const again = await loadHfModel(out, quiet);
    expect(again.unusedTensors).toEqual([]);
    expect(again.initializedTensors).toEqual([]);
    expect(bits(again.encoder.variables())).toEqual(bits(model.encoder.variables()));
    expect(bits(again.head!.variables())).toEqual(bits(model.head.variables()));
    // RobertaClassificationHead's first dropout sits before our pooler's dense layer: classifier_dropout is null, so hidden_dropout_prob.
    expect(again.encoder.poolerInputDropout).toBe(bare.encoder.config.hiddenDropout);
    expect(model.encoder.poolerInputDropout).toBe(0);
    const ids = tf.tensor2d([[0, 40, 41, 42, 2, 1], [0, 50, 2, 1, 1, 1]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0]]);
    const logits = (m: typeof model) => tf.tidy(() => Array.from(m.head.apply(m.encoder.forward({ inputIds: ids, attentionMask: mask }).poolerOutput).dataSync()));
    expect(logits({ encoder: again.encoder, head: again.head!, hfConfig: again.hfConfig })).toEqual(logits(model));
    // Saved again, the file is the same bytes.
    saveHfModel(again, join(tmp, 'roberta-cls-2'));
    expect(readFileSync(join(tmp, 'roberta-cls-2', 'model.safetensors')).equals(readFileSync(join(out, 'model.safetensors')))).toBe(true);
    tf.dispose([ids, mask]);
    again.dispose();
    model.head.dispose();
    bare.dispose();
  });

  it('keep BERT in BertForSequenceClassification layout (classifier.weight on top of bert.pooler)', async () => {
    const bert = await loadHfModel(BERT_TINY, quiet);
    const out = join(tmp, 'bert-cls');
    saveHfModel(bert, out);
    const names = [...header(join(out, 'model.safetensors')).keys()];
    expect(names.filter((n) => n.startsWith('classifier.')).sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(names).toContain('bert.pooler.dense.weight');
    expect(bert.encoder.poolerInputDropout).toBe(0);
    bert.dispose();
  });

  it('name classifier.dense in the error when a RoBERTa classification file lacks it', async () => {
    const bare = await loadHfModel(ROBERTA_TINY, quiet);
    const h = head(bare.encoder.hiddenSize, 2);
    const out = join(tmp, 'roberta-no-dense');
    saveHfModel({ encoder: bare.encoder, head: h, hfConfig: bare.hfConfig }, out);
    const parsed = parseSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    const kept = [...parsed.tensors].filter(([n]) => n !== 'classifier.dense.weight').map(([n, t]) => ({ name: n, ...t }));
    writeFileSync(join(out, 'model.safetensors'), serializeSafetensors(kept, { format: 'pt' }));
    await expect(loadHfModel(out, quiet)).rejects.toThrow(/tensor 'classifier\.dense\.weight' is missing \(expected shape \[32, 32\]\)/);
    h.dispose();
    bare.dispose();
  });
});
