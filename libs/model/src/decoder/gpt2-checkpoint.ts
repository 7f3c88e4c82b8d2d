import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { entryToFloat32, float32Bytes, parseSafetensors, serializeSafetensors } from '../checkpoint/safetensors.ts';
import { decoderParameterSpecs } from './decoder-parameter-specs.ts';
import { Gpt2Decoder } from './gpt2-decoder.ts';
import { decoderConfigFromHf, decoderConfigToHf } from './gpt2-hf-config.ts';

/** Non-parameter buffers some GPT-2 checkpoints carry (the causal mask of older transformers): recognised, not loaded. */
const BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/**
 * Writes a decoder as a Hugging Face GPT-2 folder (config.json + model.safetensors) that GPT2Model.from_pretrained
 * opens: names wte, wpe, h.N.ln_1, h.N.attn.c_attn (fused qkv), h.N.attn.c_proj, h.N.ln_2, h.N.mlp.c_fc,
 * h.N.mlp.c_proj, ln_f, no prefix; Conv1D weights [in, out] exactly as held here (no transpose, unlike BERT's
 * Linear). Returns the files written.
 */
export function saveGpt2Model(decoder: Gpt2Decoder, folder: string, baseConfig: Record<string, unknown> = {}): string[] {
  const vars = decoder.variables();
  const tensors = decoder.specs.map((spec) => {
    const v = vars.get(spec.name) as tf.Variable;
    return { name: spec.name, dtype: 'F32' as const, shape: spec.shape, bytes: float32Bytes(v.dataSync() as Float32Array) };
  });
  try {
    mkdirSync(folder, { recursive: true });
    const files = [join(folder, 'config.json'), join(folder, 'model.safetensors')];
    writeFileSync(files[0] as string, decoderConfigToHf(decoder.config, baseConfig));
    writeFileSync(files[1] as string, serializeSafetensors(tensors, { format: 'pt' }));
    return files;
  } catch (e) {
    throw new WorkbenchError('IO', `cannot write the model to '${folder}': ${(e as Error).message}`, { where: { file: folder }, cause: e });
  }
}

export interface LoadedGpt2 {
  decoder: Gpt2Decoder;
  /** Tensors of the file the decoder does not use (e.g. lm_head.weight), in file order. */
  unusedTensors: string[];
}

/**
 * Loads a Hugging Face GPT-2 folder (GPT2Model or GPT2LMHeadModel: the 'transformer.' prefix is stripped).
 * Every parameter must be present with the shape config.json implies; a missing or mis-shaped tensor is an
 * error naming it.
 */
export function loadGpt2Model(folder: string, options: { seed?: number } = {}): LoadedGpt2 {
  const configFile = join(folder, 'config.json');
  const weightsFile = join(folder, 'model.safetensors');
  for (const f of [configFile, weightsFile]) {
    if (!existsSync(f)) throw new WorkbenchError('CHECKPOINT_INVALID', `model folder '${folder}' has no ${f.slice(folder.length + 1)}`, { where: { file: folder } });
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (e) {
    throw new WorkbenchError('CHECKPOINT_INVALID', `config.json is not valid JSON: ${(e as Error).message}`, { where: { file: configFile } });
  }
  const config = decoderConfigFromHf(json, configFile, options.seed ?? 0);
  const file = parseSafetensors(new Uint8Array(readFileSync(weightsFile)), weightsFile);
  const byName = new Map<string, string>();
  for (const name of file.tensors.keys()) byName.set(name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, name);
  const initial = new Map<string, tf.Tensor>();
  try {
    for (const spec of decoderParameterSpecs(config)) {
      const original = byName.get(spec.name);
      if (original === undefined) throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${spec.name}' is missing (expected shape [${spec.shape.join(', ')}])`, { where: { file: weightsFile, path: spec.name } });
      const entry = file.tensors.get(original) as NonNullable<ReturnType<typeof file.tensors.get>>;
      if (entry.shape.join(',') !== spec.shape.join(',')) {
        throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${original}' has shape [${entry.shape.join(', ')}], expected [${spec.shape.join(', ')}] (from config.json)`, { where: { file: weightsFile, path: original } });
      }
      initial.set(spec.name, tf.tensor(entryToFloat32(entry, original, weightsFile), spec.shape));
    }
    const decoder = new Gpt2Decoder(config, initial);
    const unusedTensors = [...byName.entries()].filter(([n]) => !initial.has(n) && !BUFFER.test(n)).map(([, o]) => o);
    return { decoder, unusedTensors };
  } finally {
    for (const t of initial.values()) t.dispose();
  }
}
