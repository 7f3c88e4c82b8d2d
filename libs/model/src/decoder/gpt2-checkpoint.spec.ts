import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, useBackend } from '@workbench/tensor';
import { parseSafetensors, serializeSafetensors, float32Bytes } from '../checkpoint/safetensors.ts';
import { loadGpt2Model, saveGpt2Model } from './gpt2-checkpoint.ts';
import { Gpt2Decoder } from './gpt2-decoder.ts';

const TINY = { vocabSize: 40, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 48, maxPositions: 10, padTokenId: 0, seed: 9 };

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'gpt2-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function forward(dec: Gpt2Decoder): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor2d([[3, 4, 5, 0], [6, 7, 8, 9]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]]);
    const h = dec.encode(dec.embed(ids), mask);
    return tf.concat([h.reshape([-1]), dec.pool(h, mask).reshape([-1])]).dataSync() as Float32Array;
  });
}

describe('GPT-2 checkpoints (Hugging Face layout)', () => {
  it('export -> re-import is bit-identical, and the forward pass is equal before and after', () => {
    const dec = Gpt2Decoder.create(undefined, TINY);
    const folder = join(dir, 'a');
    saveGpt2Model(dec, folder);
    const file = parseSafetensors(new Uint8Array(readFileSync(join(folder, 'model.safetensors'))));
    expect([...file.tensors.keys()].sort()).toEqual(dec.specs.map((s) => s.name).sort());
    expect(dec.specs.slice(0, 6).map((s) => s.name)).toEqual(['wte.weight', 'wpe.weight', 'h.0.ln_1.weight', 'h.0.ln_1.bias', 'h.0.attn.c_attn.weight', 'h.0.attn.c_attn.bias']);
    // Conv1D layout [in, out]: the fused qkv is [H, 3H], the MLP expansion [H, inner].
    expect(file.tensors.get('h.0.attn.c_attn.weight')?.shape).toEqual([16, 48]);
    expect(file.tensors.get('h.1.mlp.c_fc.weight')?.shape).toEqual([16, 48]);
    expect(file.tensors.get('h.1.mlp.c_proj.weight')?.shape).toEqual([48, 16]);
    expect(file.tensors.has('ln_f.weight')).toBe(true);
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'gpt2', n_embd: 16, n_layer: 2, n_head: 2, n_inner: 48, n_positions: 10, activation_function: 'gelu_new' });

    const { decoder: back, unusedTensors } = loadGpt2Model(folder);
    expect(unusedTensors).toEqual([]);
    const original = dec.variables();
    for (const [name, v] of back.variables()) expect(Buffer.from((v.dataSync() as Float32Array).buffer).equals(Buffer.from((original.get(name)!.dataSync() as Float32Array).buffer))).toBe(true);
    expect(Array.from(forward(back))).toEqual(Array.from(forward(dec)));
    // Saving the re-imported model writes the same bytes.
    saveGpt2Model(back, join(dir, 'b'));
    expect(readFileSync(join(dir, 'b', 'model.safetensors')).equals(readFileSync(join(folder, 'model.safetensors')))).toBe(true);
    dec.dispose();
    back.dispose();
  });

  it("reads a GPT2LMHeadModel file: 'transformer.' prefix stripped, attention buffers ignored, lm_head reported unused", () => {
    const dec = Gpt2Decoder.create(undefined, TINY);
    const folder = join(dir, 'lm');
    saveGpt2Model(dec, folder);
    const file = parseSafetensors(new Uint8Array(readFileSync(join(folder, 'model.safetensors'))));
    const entries = [...file.tensors].map(([name, e]) => ({ name: `transformer.${name}`, dtype: e.dtype, shape: e.shape, bytes: e.bytes }));
    entries.push({ name: 'transformer.h.0.attn.bias', dtype: 'F32', shape: [1], bytes: float32Bytes(new Float32Array([1])) });
    entries.push({ name: 'lm_head.weight', dtype: 'F32', shape: [2], bytes: float32Bytes(new Float32Array([1, 2])) });
    writeFileSync(join(folder, 'model.safetensors'), serializeSafetensors(entries));
    const { decoder, unusedTensors } = loadGpt2Model(folder);
    expect(unusedTensors).toEqual(['lm_head.weight']);
    expect(Array.from(forward(decoder))).toEqual(Array.from(forward(dec)));
    decoder.dispose();
    dec.dispose();
  });

  it('names a missing or mis-shaped tensor and an unsupported config', () => {
    const dec = Gpt2Decoder.create(undefined, TINY);
    const folder = join(dir, 'bad');
    saveGpt2Model(dec, folder);
    dec.dispose();
    const file = parseSafetensors(new Uint8Array(readFileSync(join(folder, 'model.safetensors'))));
    const entries = [...file.tensors].filter(([n]) => n !== 'ln_f.bias').map(([name, e]) => ({ name, dtype: e.dtype, shape: e.shape, bytes: e.bytes }));
    writeFileSync(join(folder, 'model.safetensors'), serializeSafetensors(entries));
    expect(() => loadGpt2Model(folder)).toThrow(/tensor 'ln_f.bias' is missing \(expected shape \[16\]\)/);
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, n_embd: 32 }));
    expect(() => loadGpt2Model(folder)).toThrow(/tensor 'wte.weight' has shape \[40, 16\], expected \[40, 32\]/);
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, activation_function: 'relu' }));
    expect(() => loadGpt2Model(folder)).toThrow(/activation_function "relu" is not supported/);
  });
});
