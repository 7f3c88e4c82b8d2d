import { didYouMeanSuffix } from './did-you-mean.ts';
import { WorkbenchError, type ErrorLocation } from './errors.ts';
import { isPlainObject } from './plain-object.ts';

/** A config type with every key present: the shape of every `DEFAULT_X`. */
export type Defaults<T> = Required<T>;

/** A deep partial: what users write in config files and `--set` flags. */
export type DeepPartial<T> = T extends readonly (infer _U)[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface ResolveOptions {
  /** Where the partial came from (file, CLI flag); prefixed to every error. */
  where?: ErrorLocation;
  /** Dotted paths (relative to the config) whose objects accept any keys, e.g. per-label priors. */
  openPaths?: readonly string[];
}


function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Merges a user's partial config over its defaults. Unknown keys are rejected with a did-you-mean hint;
 * a value whose type differs from its default's is rejected; nested objects merge key by key.
 * A default of `null` accepts any value (an optional setting with no default).
 */
export function resolveConfig<T extends object>(defaults: Defaults<T>, partial: unknown, options: ResolveOptions = {}): Defaults<T> {
  return merge(defaults as Record<string, unknown>, partial, options.where?.path ?? '', options) as Defaults<T>;
}

function merge(defaults: Record<string, unknown>, partial: unknown, path: string, options: ResolveOptions): Record<string, unknown> {
  const where = (p: string): ErrorLocation => ({ ...options.where, path: p || undefined });
  if (partial === undefined || partial === null) return structuredClone(defaults);
  if (!isPlainObject(partial)) {
    throw new WorkbenchError('CONFIG_TYPE', `expected an object, got ${typeName(partial)} ${short(partial)}`, { where: where(path) });
  }
  const out = structuredClone(defaults);
  const open = options.openPaths?.includes(path.replace(/^[^.]*?:/, '')) ?? false;
  for (const [key, value] of Object.entries(partial)) {
    const p = childPath(path, key);
    if (!(key in defaults)) {
      if (open) {
        out[key] = structuredClone(value);
        continue;
      }
      throw new WorkbenchError('CONFIG_UNKNOWN_KEY', `unknown key '${key}'${didYouMeanSuffix(key, Object.keys(defaults))}`, {
        where: where(p),
        details: { valid: Object.keys(defaults) },
      });
    }
    if (value === undefined) continue;
    const def = defaults[key];
    if (def === null || def === undefined) {
      out[key] = structuredClone(value);
    } else if (isPlainObject(def)) {
      out[key] = merge(def, value, p, options);
    } else if (Array.isArray(def)) {
      if (!Array.isArray(value)) throw new WorkbenchError('CONFIG_TYPE', `expected an array, got ${typeName(value)} ${short(value)}`, { where: where(p) });
      out[key] = structuredClone(value);
    } else if (typeof def !== typeof value || value === null) {
      throw new WorkbenchError('CONFIG_TYPE', `expected a ${typeName(def)}, got ${typeName(value)} ${short(value)}`, { where: where(p) });
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new WorkbenchError('CONFIG_TYPE', `expected a finite number, got ${value}`, { where: where(p) });
    } else {
      out[key] = value;
    }
  }
  return out;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Parses the value of `--set key=value`: JSON when it parses (numbers, booleans, arrays), else the raw string. */
export function parseSetValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Turns `['a.b=1', 'c=x']` into `{a: {b: 1}, c: 'x'}`, naming the flag on a malformed entry. */
export function parseSetFlags(entries: readonly string[], flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new WorkbenchError('CLI_USAGE', `'${entry}' is not of the form key=value`, { where: { source: flag } });
    }
    setPath(out, entry.slice(0, eq), parseSetValue(entry.slice(eq + 1)));
  }
  return out;
}

/** Sets a dotted path in a nested object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Reads a dotted path of a nested object. */
export function getPath(source: unknown, path: string): unknown {
  let cur = source;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Deep merge of plain objects (right wins); arrays and scalars are replaced. */
export function deepMerge<T extends Record<string, unknown>>(base: T, ...overrides: Record<string, unknown>[]): T {
  const out: Record<string, unknown> = structuredClone(base);
  for (const o of overrides) {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k] as Record<string, unknown>, v) : structuredClone(v);
    }
  }
  return out as T;
}

/** Flattens a nested config to dotted keys with string values (MLflow params). */
export function flattenConfig(config: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, p: string): void => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const k of Object.keys(v).sort()) walk(v[k], p ? `${p}.${k}` : k);
    } else if (v !== undefined) {
      out[p] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  };
  walk(config, prefix);
  return out;
}
