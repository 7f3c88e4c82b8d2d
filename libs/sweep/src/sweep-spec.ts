import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import { WorkbenchError, didYouMeanSuffix, type ErrorLocation } from '@workbench/core';
import { sweepSchema, type JsonSchema } from './sweep-schema.ts';

/** A sweep: a base config, a grid over config paths, zipped axes, explicit cells, seeds and exclusions. */
export interface SweepSpec {
  name: string;
  description: string;
  /** The MLflow experiment its runs go to (default: the name). */
  experiment: string;
  /** The preset of every cell unless a grid axis or cell sets `preset`. */
  preset: string | undefined;
  /** A partial cell config shared by every cell. */
  base: Record<string, unknown>;
  /** Config path (or `preset`) -> values; the cartesian product of the axes. */
  grid: Record<string, unknown[]>;
  /** Groups of axes varied together (equal-length lists), each group multiplied with the grid. */
  zip: Record<string, unknown[]>[];
  /** Explicit cells (partial configs over `base`), added to the grid's. */
  cells: Record<string, unknown>[];
  /** Seeds every point runs with (empty: the seed of the point, of `base`, or the default). */
  seeds: number[];
  /** Rules: a cell matching every path of a rule (a value or a list of values) is dropped. */
  exclude: Record<string, unknown>[];
  workers: number | undefined;
  /** The spec file, for messages. */
  file: string;
  /** The line and column of a value of the spec (by its path of keys and indices), or of its key. */
  locate(path: readonly (string | number)[], target?: 'key' | 'value'): ErrorLocation;
}

let compiled: ReturnType<Ajv['compile']> | undefined;
let schemaCache: JsonSchema | undefined;

function validator(): { validate: ReturnType<Ajv['compile']>; schema: JsonSchema } {
  schemaCache ??= sweepSchema();
  compiled ??= new Ajv({ allErrors: false, strict: false }).compile(schemaCache);
  return { validate: compiled, schema: schemaCache };
}

/** Reads a YAML or JSON sweep spec, validating it against the sweep schema. */
export function readSweepSpec(file: string, env: Record<string, string | undefined> = process.env): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorkbenchError('IO', `cannot read the sweep spec: ${(e as Error).message}`, { where: { file } });
  }
  return parseSweepSpec(text, file, env);
}

/**
 * Parses a sweep spec. String values may name environment variables, `${VAR}` or `${VAR:-default}` (a local
 * checkpoint folder, a data root), expanded before validation; an unset variable without default is an error
 * at its place in the spec.
 */
export function parseSweepSpec(text: string, file: string, env: Record<string, string | undefined> = process.env): SweepSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new WorkbenchError('SWEEP_INVALID', `not valid YAML/JSON: ${e.message.split('\n')[0]}`, { where: { file, line: pos.line, column: pos.col } });
  }
  const locate = (path: readonly (string | number)[], target: 'key' | 'value' = 'value'): ErrorLocation => locateIn(doc, lineCounter, file, path, target);
  const raw = expandEnv(doc.toJS() as unknown, env, [], locate);
  const { validate, schema } = validator();
  if (!validate(raw)) throw schemaError(validate.errors?.[0], raw, schema, file, locate);
  const r = raw as Record<string, unknown>;
  const spec: SweepSpec = {
    name: r['name'] as string,
    description: (r['description'] as string | undefined) ?? '',
    experiment: (r['experiment'] as string | undefined) ?? (r['name'] as string),
    preset: r['preset'] as string | undefined,
    base: (r['base'] as Record<string, unknown> | undefined) ?? {},
    grid: (r['grid'] as Record<string, unknown[]> | undefined) ?? {},
    zip: (r['zip'] as Record<string, unknown[]>[] | undefined) ?? [],
    cells: (r['cells'] as Record<string, unknown>[] | undefined) ?? [],
    seeds: (r['seeds'] as number[] | undefined) ?? [],
    exclude: (r['exclude'] as Record<string, unknown>[] | undefined) ?? [],
    workers: r['workers'] as number | undefined,
    file,
    locate,
  };
  spec.zip.forEach((group, i) => {
    const lengths = new Set(Object.values(group).map((v) => v.length));
    if (lengths.size > 1) {
      throw new WorkbenchError('SWEEP_INVALID', `zip[${i}]: the lists of a zip group must have the same length, got ${Object.entries(group).map(([k, v]) => `${k}: ${v.length}`).join(', ')}`, { where: locate(['zip', i]) });
    }
  });
  return spec;
}

function formatPath(segments: readonly (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function segmentsOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(raw: unknown, segments: readonly (string | number)[]): unknown {
  let cur = raw;
  for (const s of segments) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

function schemaAt(schema: JsonSchema, schemaPath: string): JsonSchema | undefined {
  let cur: unknown = schema;
  for (const s of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    if (s === '') continue;
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[s.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return cur as JsonSchema | undefined;
}

/** What a value is, for messages: the last config key of its path ('method', 'backbone kind'). */
function nameOf(segments: readonly (string | number)[]): string {
  const keys = segments.filter((s): s is string => typeof s === 'string');
  const last = keys[keys.length - 1] ?? 'value';
  const parts = last.split('.');
  return parts.length > 1 ? parts.slice(-2).join(' ') : last;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function schemaError(
  err: ErrorObject | undefined,
  raw: unknown,
  schema: JsonSchema,
  file: string,
  locate: (p: readonly (string | number)[], target?: 'key' | 'value') => ErrorLocation,
): WorkbenchError {
  if (!err) return new WorkbenchError('SWEEP_INVALID', 'the sweep spec is invalid', { where: { file } });
  const segments = segmentsOf(err.instancePath);
  const value = valueAt(raw, segments);
  const at = (segs: readonly (string | number)[], message: string, details?: Record<string, unknown>, target: 'key' | 'value' = 'value'): WorkbenchError =>
    new WorkbenchError('SWEEP_INVALID', message, { where: { ...locate(segs, target), path: formatPath(segs) || undefined }, details });
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      const parent = schemaAt(schema, err.schemaPath);
      const valid = Object.keys((parent?.['properties'] as Record<string, unknown> | undefined) ?? {});
      return at([...segments, key], `unknown key '${key}'${didYouMeanSuffix(key, valid)}`, { valid }, 'key');
    }
    case 'enum': {
      const allowed = (err.params as { allowedValues: string[] }).allowedValues;
      return at(segments, `unknown ${nameOf(segments)} '${String(value)}'${didYouMeanSuffix(String(value), allowed)}; valid: ${allowed.join(', ')}`, { valid: allowed });
    }
    case 'required':
      return at(segments, `missing required key '${(err.params as { missingProperty: string }).missingProperty}'`);
    case 'type':
      return at(segments, `expected ${(err.params as { type: string }).type}, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value} ${short(value)}`);
    case 'minItems':
      return at(segments, 'an empty list: give at least one value');
    case 'pattern':
      return at(segments, `'${String(value)}' is not a valid ${nameOf(segments)} (expected ${nameOf(segments) === 'name' && segments.includes('scenario.name') ? 'keepNN or full' : `to match ${(err.params as { pattern: string }).pattern}`})`);
    default:
      return at(segments, `${err.message ?? 'invalid value'}: ${short(value)}`);
  }
}

function locateIn(doc: Document, lc: LineCounter, file: string, path: readonly (string | number)[], target: 'key' | 'value'): ErrorLocation {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const keyOffset = (): number | undefined => {
    if (typeof last !== 'string') return undefined;
    const parent = parentPath.length ? doc.getIn(parentPath as (string | number)[], true) : doc.contents;
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
    return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  };
  const node = doc.getIn(path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
  const valueOffset = node && typeof node === 'object' && 'range' in node ? node.range?.[0] : undefined;
  // An unknown key is best shown at the key itself; a bad value at the value (or its key if it has none).
  const offset = target === 'key' ? (keyOffset() ?? valueOffset) : (valueOffset ?? keyOffset());
  if (offset === undefined) return { file };
  const pos = lc.linePos(offset);
  return { file, line: pos.line, column: pos.col };
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function expandEnv(value: unknown, env: Record<string, string | undefined>, path: (string | number)[], locate: (p: readonly (string | number)[]) => ErrorLocation): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new WorkbenchError('SWEEP_INVALID', `environment variable ${name} is not set (give it a value, or a default: \${${name}:-value})`, { where: { ...locate(path), path: formatPath(path) } });
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, i], locate));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], locate)]));
  return value;
}
