import { WorkbenchError } from '@workbench/core';

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then the raw
 * little-endian tensor bytes, offsets counted from the start of the data section.
 */

/** Element sizes in bytes of the dtypes safetensors defines. */
export const SAFETENSORS_DTYPES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** One tensor of a safetensors file: its raw little-endian bytes (a view into the file, not a copy). */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** In file order (by data offset). */
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** A header above this is certainly corrupt (the reference implementation caps it at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors file strictly: header length in bounds, JSON header, known dtypes, integer shapes,
 * byte length = product of shape x dtype size, offsets contiguous from 0 and covering the data exactly.
 * Any violation is WorkbenchError('CHECKPOINT_INVALID') naming `file` and the problem.
 */
export function parseSafetensors(buffer: Uint8Array, file = '<buffer>'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new WorkbenchError('CHECKPOINT_INVALID', `corrupt safetensors file: ${problem}`, { where: { file } });
  };
  if (buffer.byteLength < 8) fail(`only ${buffer.byteLength} bytes, less than the 8-byte header length`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, buffer.byteLength - 8))) {
    fail(`header length ${headerLength} exceeds the ${buffer.byteLength - 8} bytes after the length field`);
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = buffer.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info === null || typeof info !== 'object') fail(`entry '${name}' is not an object`);
    if (typeof info.dtype !== 'string' || !(info.dtype in SAFETENSORS_DTYPES)) {
      fail(`tensor '${name}' has unknown dtype ${JSON.stringify(info.dtype)} (known: ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
    }
    if (!Array.isArray(info.shape) || !info.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(info.shape)}`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const dtype = info.dtype as SafetensorsDtype;
    const shape = info.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[dtype];
    if (end < begin || end - begin !== expected) {
      fail(`tensor '${name}' (${dtype} [${shape}]) needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    if (end > dataLength) fail(`tensor '${name}' ends at byte ${end}, beyond the ${dataLength}-byte data section (truncated file?)`);
    entries.push({ name, dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      fail(e.begin < cursor ? `tensor '${e.name}' overlaps the previous tensor (starts at ${e.begin}, previous ends at ${cursor})` : `gap of ${e.begin - cursor} bytes before tensor '${e.name}'`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) fail(`the tensors cover ${cursor} bytes but the data section has ${dataLength} (trailing bytes)`);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const e of entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, bytes: buffer.subarray(dataStart + e.begin, dataStart + e.end) });
  return { tensors, metadata };
}

/** The reference implementation's Dtype enum order (Rust `derive(Ord)`), which its writer sorts by. */
const DTYPE_ORDER: readonly SafetensorsDtype[] = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];

/** A tensor to write: raw little-endian bytes of `dtype`. */
export interface SafetensorsInput {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * Writes a safetensors file the way the reference library does: tensors ordered by dtype, descending in the
 * reference's Dtype enum order (so int64 buffers come before float32 weights), then by name (code points), compact JSON header with `__metadata__`
 * first, padded with spaces so the data section starts on an 8-byte boundary.
 */
export function serializeSafetensors(inputs: readonly SafetensorsInput[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const seen = new Set<string>();
  for (const t of inputs) {
    if (seen.has(t.name)) throw new WorkbenchError('INTERNAL', `safetensors: tensor '${t.name}' given twice`);
    seen.add(t.name);
    const expected = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[t.dtype];
    if (t.bytes.byteLength !== expected) throw new WorkbenchError('INTERNAL', `safetensors: tensor '${t.name}' has ${t.bytes.byteLength} bytes, expected ${expected}`);
  }
  const rank = (d: SafetensorsDtype): number => DTYPE_ORDER.indexOf(d);
  const ordered = [...inputs].sort((a, b) => rank(b.dtype) - rank(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of ordered) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  const padding = (8 - (encoded.byteLength % 8)) % 8;
  json += ' '.repeat(padding);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const t of ordered) {
    out.set(t.bytes, pos);
    pos += t.bytes.byteLength;
  }
  return out;
}

/**
 * The values of an entry as float32 (F32 copied; F64, F16, BF16 and integer types converted), for loading
 * weights into tfjs. The copy is aligned whatever the entry's offset in the file.
 */
export function entryToFloat32(entry: SafetensorsEntry, name: string, file: string): Float32Array {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      new Uint8Array(out.buffer).set(entry.bytes);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    default:
      throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${name}' has dtype ${entry.dtype}, which cannot be loaded as floating-point weights`, { where: { file } });
  }
}

/** Little-endian bytes of a float32 array (a view when aligned, which Float32Array always is). */
export function float32Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Little-endian int64 bytes of integer values. */
export function int64Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i] as number), true);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
