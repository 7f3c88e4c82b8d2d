import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { configToHf } from './hf-config.ts';
import type { HfModel } from './hf-model.ts';
import { ROBERTA_CLASSIFIER_OUT, robertaClassifierName } from './roberta-classification-layout.ts';
import { float32Bytes, int64Bytes, serializeSafetensors, type SafetensorsInput } from './safetensors.ts';
import { transpose2d } from './transpose-2d.ts';

/** Tokenizer files copied along when the model was loaded from a folder that has them. */
const TOKENIZER_FILES = ['vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'tokenizer.json'];

/**
 * Writes a model as a Hugging Face folder that transformers' from_pretrained opens: config.json and
 * model.safetensors with the reference's tensor names (the 'bert.' / 'roberta.' prefix when there is a
 * classifier), dtypes (F32 weights, the I64 `embeddings.position_ids` buffer of transformers 4.30), PyTorch
 * layouts ([out, in] Linear weights), ordering, 8-byte header padding and `format: pt` metadata. The head
 * follows the task model's layout: BertForSequenceClassification's `classifier.weight/bias`, or
 * RobertaForSequenceClassification's `classifier.dense` (our pooler) + `classifier.out_proj` (see
 * roberta-classification-layout.ts). Returns the files written.
 */
export function saveHfModel(model: HfModel, folder: string): string[] {
  const { encoder, head } = model;
  const c = encoder.config;
  const prefix = model.prefix ?? (head ? `${c.modelType}.` : '');
  const tensors: SafetensorsInput[] = [];
  const vars = encoder.variables();
  const robertaHead = head !== undefined && c.modelType === 'roberta';
  for (const spec of encoder.specs) {
    const v = vars.get(spec.name);
    if (!v) throw new WorkbenchError('INTERNAL', `encoder has no variable '${spec.name}'`);
    const data = v.dataSync() as Float32Array;
    const hf = spec.transposed ? transpose2d(data, v.shape[0] as number, v.shape[1] as number) : data;
    const headName = robertaHead ? robertaClassifierName(spec.name) : undefined;
    tensors.push({ name: headName ?? prefix + spec.name, dtype: 'F32', shape: spec.hfShape, bytes: float32Bytes(hf) });
  }
  tensors.push({
    name: `${prefix}embeddings.position_ids`,
    dtype: 'I64',
    shape: [1, c.maxPositions],
    bytes: int64Bytes(Array.from({ length: c.maxPositions }, (_, i) => i)),
  });
  if (head) {
    const hv = head.variables();
    const w = hv.get('weight');
    const b = hv.get('bias');
    if (!w || !b) throw new WorkbenchError('INTERNAL', 'classifier head has no weight/bias');
    const [inSize, outSize] = w.shape as [number, number];
    const name = robertaHead ? ROBERTA_CLASSIFIER_OUT : 'classifier';
    tensors.push({ name: `${name}.weight`, dtype: 'F32', shape: [outSize, inSize], bytes: float32Bytes(transpose2d(w.dataSync() as Float32Array, inSize, outSize)) });
    tensors.push({ name: `${name}.bias`, dtype: 'F32', shape: [outSize], bytes: float32Bytes(b.dataSync() as Float32Array) });
  }
  const weights = serializeSafetensors(tensors, { format: 'pt' });
  const configJson = configToHf(c, {
    base: model.hfConfig,
    ...(head ? { numLabels: head.outputSize, problemType: head.kind === 'multi-label' ? 'multi_label_classification' : 'single_label_classification' } : {}),
  });
  try {
    mkdirSync(folder, { recursive: true });
    const written = [join(folder, 'config.json'), join(folder, 'model.safetensors')];
    writeFileSync(written[0] as string, configJson);
    writeFileSync(written[1] as string, weights);
    if (model.folder && model.folder !== folder) {
      for (const f of TOKENIZER_FILES) {
        if (!existsSync(join(model.folder, f))) continue;
        copyFileSync(join(model.folder, f), join(folder, f));
        written.push(join(folder, f));
      }
    }
    return written;
  } catch (e) {
    throw new WorkbenchError('IO', `cannot write the model to '${folder}': ${(e as Error).message}`, { where: { file: folder }, cause: e });
  }
}
