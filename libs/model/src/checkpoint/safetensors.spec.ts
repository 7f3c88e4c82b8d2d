import { readFileSync } from 'node:fs';
import { WorkbenchError } from '@workbench/core';
import { BERT_TINY, ROBERTA_TINY } from './hf-fixtures.test-helper.ts';
import { entryToFloat32, float32Bytes, int64Bytes, parseSafetensors, serializeSafetensors } from './safetensors.ts';

function header(json: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function expectInvalid(bytes: Uint8Array, problem: RegExp): void {
  let error: unknown;
  try {
    parseSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WorkbenchError);
  expect((error as WorkbenchError).code).toBe('CHECKPOINT_INVALID');
  expect((error as WorkbenchError).where?.file).toBe('bad.safetensors');
  expect((error as WorkbenchError).message).toMatch(problem);
}

describe('parseSafetensors', () => {
  it('reads the fixtures: names, dtypes, shapes, metadata, the int64 position_ids buffer', () => {
    const bert = parseSafetensors(new Uint8Array(readFileSync(`${BERT_TINY}/model.safetensors`)));
    expect(bert.metadata).toEqual({ format: 'pt' });
    expect(bert.tensors.size).toBe(42);
    const pos = bert.tensors.get('bert.embeddings.position_ids')!;
    expect(pos.dtype).toBe('I64');
    expect(pos.shape).toEqual([1, 64]);
    expect(Array.from(entryToFloat32(pos, 'p', 'f'))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(bert.tensors.get('classifier.weight')!.shape).toEqual([5, 32]);
    const floats = [...bert.tensors.values()].filter((t) => t.dtype === 'F32').reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(floats).toBe(31109); // the README's count
    const roberta = parseSafetensors(new Uint8Array(readFileSync(`${ROBERTA_TINY}/model.safetensors`)));
    expect(roberta.tensors.size).toBe(40);
    expect(roberta.tensors.has('embeddings.word_embeddings.weight')).toBe(true);
  });

  it('re-serialises both fixtures byte for byte (ordering, header padding, metadata)', () => {
    for (const folder of [BERT_TINY, ROBERTA_TINY]) {
      const original = new Uint8Array(readFileSync(`${folder}/model.safetensors`));
      const parsed = parseSafetensors(original);
      const inputs = [...parsed.tensors.entries()].map(([name, t]) => ({ name, ...t }));
      // Shuffle the input order: the writer must order by dtype then name itself.
      inputs.reverse();
      const written = serializeSafetensors(inputs, parsed.metadata);
      expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
    }
  });

  it('pads the header to 8 bytes and orders I64 before F32, then by name', () => {
    const bytes = serializeSafetensors([
      { name: 'b', dtype: 'F32', shape: [2], bytes: float32Bytes(new Float32Array([1, 2])) },
      { name: 'a', dtype: 'F32', shape: [1], bytes: float32Bytes(new Float32Array([3])) },
      { name: 'z', dtype: 'I64', shape: [2], bytes: int64Bytes([7, -1]) },
    ]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()]).toEqual(['z', 'a', 'b']);
    expect(Array.from(entryToFloat32(parsed.tensors.get('z')!, 'z', 'f'))).toEqual([7, -1]);
    expect(Array.from(entryToFloat32(parsed.tensors.get('b')!, 'b', 'f'))).toEqual([1, 2]);
  });

  it('converts F16 and BF16 to float32', () => {
    const f16 = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0
    const bf16 = new Uint8Array([0x80, 0x3f, 0x40, 0x40]); // 1.0, 3.0
    const parsed = parseSafetensors(
      serializeSafetensors([
        { name: 'h', dtype: 'F16', shape: [2], bytes: f16 },
        { name: 'b', dtype: 'BF16', shape: [2], bytes: bf16 },
      ]),
    );
    expect(Array.from(entryToFloat32(parsed.tensors.get('h')!, 'h', 'f'))).toEqual([1, -2]);
    expect(Array.from(entryToFloat32(parsed.tensors.get('b')!, 'b', 'f'))).toEqual([1, 3]);
  });

  it('rejects corrupt files with the file and the problem', () => {
    expectInvalid(new Uint8Array(3), /less than the 8-byte header length/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expectInvalid(huge, /header length 1000 exceeds the 8 bytes/);
    expectInvalid(header('{"a": '), /not valid UTF-8 JSON/);
    expectInvalid(header('[1,2]'), /not a JSON object/);
    expectInvalid(header('{"a":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)), /unknown dtype "F99"/);
    expectInvalid(header('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', new Uint8Array(4)), /invalid shape/);
    expectInvalid(header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)), /needs 8 bytes but data_offsets \[0, 4\] span 4/);
    expectInvalid(header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(4)), /beyond the 4-byte data section/);
    expectInvalid(header('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)), /gap of 4 bytes before tensor 'a'/);
    expectInvalid(
      header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)),
      /tensor 'b' overlaps/,
    );
    expectInvalid(header('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(6)), /trailing bytes/);
    expectInvalid(header('{"__metadata__":{"format":1}}'), /__metadata__.format is not a string/);
  });
});
