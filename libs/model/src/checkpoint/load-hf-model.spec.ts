import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
import { TransformerEncoder } from '../transformer/transformer-encoder.ts';
import { ClassifierHead } from './classifier-head.ts';
import { BERT_TINY, ROBERTA_TINY, readExpected } from './hf-fixtures.test-helper.ts';
import { loadHfModel } from './load-hf-model.ts';
import { parseSafetensors, serializeSafetensors } from './safetensors.ts';
import { saveHfModel } from './save-hf-model.ts';

const quiet = { tokenizer: false, warn: () => undefined } as const;
let tmp: string;

beforeAll(async () => {
  await useBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'workbench-ckpt-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture folder whose safetensors has been rewritten by `edit` (tensor name -> entry). */
function editedCopy(source: string, name: string, edit: (tensors: { name: string; dtype: any; shape: number[]; bytes: Uint8Array }[]) => void): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(source, 'config.json'), join(dir, 'config.json'));
  const parsed = parseSafetensors(new Uint8Array(readFileSync(join(source, 'model.safetensors'))));
  const tensors = [...parsed.tensors.entries()].map(([n, t]) => ({ name: n, ...t }));
  edit(tensors);
  writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return dir;
}

async function loadError(folder: string): Promise<WorkbenchError> {
  try {
    await loadHfModel(folder, quiet);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error(`loading ${folder} did not fail`);
}

function bits(vars: Map<string, tf.Variable>): Map<string, Uint32Array> {
  return new Map([...vars].map(([k, v]) => [k, new Uint32Array((v.dataSync() as Float32Array).slice().buffer)]));
}

describe('loadHfModel / saveHfModel', () => {
  it('export -> import is bit-identical, and the exported file equals the reference file byte for byte', async () => {
    for (const fixture of [BERT_TINY, ROBERTA_TINY]) {
      const model = await loadHfModel(fixture, quiet);
      const out = join(tmp, `roundtrip-${fixture.endsWith('bert-tiny') ? 'bert' : 'roberta'}`);
      saveHfModel(model, out);
      expect(Buffer.from(readFileSync(join(out, 'model.safetensors'))).equals(readFileSync(join(fixture, 'model.safetensors')))).toBe(true);
      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      expect(config).toEqual(JSON.parse(readFileSync(join(fixture, 'config.json'), 'utf8')));
      const again = await loadHfModel(out, quiet);
      expect(bits(again.encoder.variables())).toEqual(bits(model.encoder.variables()));
      if (model.head) expect(bits(again.head!.variables())).toEqual(bits(model.head.variables()));
      model.dispose();
      again.dispose();
    }
  });

  it('loads the tokenizer of the folder and copies its files on export', async () => {
    for (const fixture of [BERT_TINY, ROBERTA_TINY]) {
      const exp = readExpected(fixture);
      const model = await loadHfModel(fixture, { warn: () => undefined });
      const batch = model.tokenizer!.encodeBatch(exp.texts, { maxLength: 16, padding: 'max_length', truncation: true });
      expect(batch.inputIds).toEqual(exp.batch.input_ids);
      const out = join(tmp, `with-tokenizer-${model.encoder.kind}`);
      const written = saveHfModel(model, out);
      const files = model.encoder.kind === 'bert' ? ['vocab.txt'] : ['vocab.json', 'merges.txt'];
      for (const f of [...files, 'tokenizer_config.json', 'special_tokens_map.json']) {
        expect(written).toContain(join(out, f));
        expect(readFileSync(join(out, f))).toEqual(readFileSync(join(fixture, f)));
      }
      expect(existsSync(join(out, 'expected.json'))).toBe(false);
      model.dispose();
    }
  });

  it('a fresh model with a classifier saves under HF names and reloads bit-identically', async () => {
    const before = tf.memory().numTensors;
    const encoder = TransformerEncoder.create('tiny', { vocabSize: 100, maxPositions: 32, seed: 3 });
    const [kernel, bias] = [tf.randomNormal([128, 4], 0, 0.02, 'float32', 1) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D];
    const head = new ClassifierHead('multi-label', kernel, bias);
    kernel.dispose();
    bias.dispose();
    const out = join(tmp, 'fresh');
    saveHfModel({ encoder, head }, out);
    const file = parseSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.keys()][0]).toBe('bert.embeddings.position_ids');
    expect(file.tensors.get('bert.encoder.layer.1.intermediate.dense.weight')!.shape).toEqual([512, 128]);
    expect(file.tensors.get('classifier.weight')!.shape).toEqual([4, 128]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', architectures: ['BertForSequenceClassification'], num_attention_heads: 2, problem_type: 'multi_label_classification' });
    const loaded = await loadHfModel(out, quiet);
    expect(bits(loaded.encoder.variables())).toEqual(bits(encoder.variables()));
    expect(bits(loaded.head!.variables())).toEqual(bits(head.variables()));
    expect(loaded.head!.kind).toBe('multi-label');
    loaded.dispose();
    encoder.dispose();
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts names without the model prefix and lists unused tensors', async () => {
    const warnings: string[] = [];
    const dir = editedCopy(BERT_TINY, 'extra', (ts) => {
      for (const t of ts) t.name = t.name.replace(/^bert\./, '');
      ts.push({ name: 'cls.predictions.bias', dtype: 'F32', shape: [1], bytes: new Uint8Array(4) });
    });
    const model = await loadHfModel(dir, { tokenizer: false, warn: (m) => warnings.push(m) });
    expect(model.prefix).toBe('');
    expect(model.unusedTensors).toEqual(['cls.predictions.bias']);
    expect(warnings.join('\n')).toMatch(/1 tensor\(s\) not used by bert \+ classifier: cls.predictions.bias/);
    model.dispose();
  });

  it('re-initialises a missing pooler (as transformers does) but names any other missing tensor', async () => {
    const noPooler = editedCopy(ROBERTA_TINY, 'no-pooler', (ts) => ts.splice(0, ts.length, ...ts.filter((t) => !t.name.startsWith('pooler.'))));
    const model = await loadHfModel(noPooler, quiet);
    expect(model.initializedTensors).toEqual(['pooler.dense.weight', 'pooler.dense.bias']);
    model.dispose();
    const missing = editedCopy(BERT_TINY, 'missing', (ts) => ts.splice(0, ts.length, ...ts.filter((t) => t.name !== 'bert.encoder.layer.1.output.LayerNorm.bias')));
    const e = await loadError(missing);
    expect(e.code).toBe('CHECKPOINT_INVALID');
    expect(e.message).toMatch(/tensor 'bert.encoder.layer.1.output.LayerNorm.bias' is missing \(expected shape \[32\]\)/);
  });

  it('names a mis-shaped tensor with the expected and the found shape', async () => {
    const dir = editedCopy(BERT_TINY, 'misshaped', (ts) => {
      const t = ts.find((x) => x.name === 'bert.encoder.layer.0.attention.self.key.weight')!;
      t.shape = [16, 64];
    });
    const e = await loadError(dir);
    expect(e.message).toMatch(/tensor 'bert.encoder.layer.0.attention.self.key.weight' has shape \[16, 64\], expected \[32, 32\]/);
    expect(e.where?.file).toBe(join(dir, 'model.safetensors'));
  });

  it('gives clear errors for a missing folder, config or weights, an unknown model_type and a corrupt header', async () => {
    expect((await loadError(join(tmp, 'nope'))).message).toMatch(/model folder '.*nope' does not exist/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect((await loadError(empty)).message).toMatch(/has no config.json/);
    copyFileSync(join(BERT_TINY, 'config.json'), join(empty, 'config.json'));
    expect((await loadError(empty)).message).toMatch(/has no model.safetensors/);
    writeFileSync(join(empty, 'model.safetensors'), new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    const corrupt = await loadError(empty);
    expect(corrupt.message).toMatch(/corrupt safetensors file: header length 200 exceeds/);
    expect(corrupt.where?.file).toBe(join(empty, 'model.safetensors'));
    writeFileSync(join(empty, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    const unknown = await loadError(empty);
    expect(unknown.message).toMatch(/unsupported model_type "gpt2"; supported: bert, roberta/);
    expect(unknown.where?.file).toBe(join(empty, 'config.json'));
    writeFileSync(join(empty, 'config.json'), '{ not json');
    expect((await loadError(empty)).message).toMatch(/config.json is not valid JSON/);
  });
});
