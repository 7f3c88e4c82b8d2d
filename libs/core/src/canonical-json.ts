import { createHash } from 'node:crypto';
import { WorkbenchError } from './errors.ts';
import { isPlainObject } from './plain-object.ts';

/**
 * Canonical JSON: object keys sorted by code point, `undefined` members dropped, numbers in JavaScript's
 * shortest round-trip form with -0 written as 0, no whitespace. Two configs that mean the same thing give the
 * same bytes, so the SHA-256 of these bytes is the identity of a config (DomainBed's rule).
 * Non-finite numbers, functions, symbols, bigints and class instances other than Date are rejected:
 * they have no stable JSON meaning.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new WorkbenchError('CONFIG_TYPE', `non-finite number ${value} cannot be part of a canonical config`, { where: { path } });
      }
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value
          .map((v, i) => {
            if (v === undefined) throw new WorkbenchError('CONFIG_TYPE', 'undefined inside an array has no canonical form', { where: { path: `${path}[${i}]` } });
            return write(v, `${path}[${i}]`);
          })
          .join(',')}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (!isPlainObject(value)) {
        throw new WorkbenchError('CONFIG_TYPE', `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'non-plain'} object has no canonical form`, { where: { path } });
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(obj[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new WorkbenchError('CONFIG_TYPE', `a ${typeof value} has no canonical JSON form`, { where: { path } });
  }
}

/** SHA-256 (hex) of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The identity of a config: SHA-256 of its canonical JSON, hex. */
export function configHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** A short form of a config hash for display and run names (first 12 hex digits). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Keeps only the given dotted paths of a config (what a method depends on), for its identity. */
export function pickPaths(config: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const parts = p.split('.');
    let src: unknown = config;
    for (const part of parts) {
      src = src !== null && typeof src === 'object' ? (src as Record<string, unknown>)[part] : undefined;
    }
    if (src === undefined) continue;
    let dst = out;
    for (const part of parts.slice(0, -1)) {
      dst[part] ??= {};
      dst = dst[part] as Record<string, unknown>;
    }
    dst[parts[parts.length - 1] as string] = src;
  }
  return out;
}
