import { isPlainObject } from '@workbench/core';
import { BACKBONES, CELL_CONFIG_OPEN_PATHS, DEFAULT_CELL_CONFIG, HEAD_BIASES, METHODS, PRESETS, SEQUENCE_POOLINGS } from '@workbench/methods';

/** A JSON Schema (draft-07 subset) node. */
export type JsonSchema = Record<string, unknown>;

/** Values a config path may take beyond its type: the registries' names and fixed choices. */
export function enumerations(): Record<string, string[]> {
  return {
    method: METHODS.names(),
    preset: PRESETS.names(),
    'backbone.kind': BACKBONES.names(),
    'backbone.headBias': [...HEAD_BIASES],
    'backbone.pooling': ['native', ...SEQUENCE_POOLINGS.names().filter((n) => n !== 'native')],
    'scenario.mode': ['per-label', 'per-sample'],
    'scenario.scope': ['split', 'chunk1000'],
    'dallmi.loss': ['norm', 'log'],
    'vpu.loss': ['norm', 'log'],
    'dallmi.sampler': ['label-balanced', 'random'],
    'vpu.sampler': ['label-balanced', 'random'],
    'dallmi.mixup.level': ['embedding', 'pooled', 'logit'],
    'vpu.mixup.level': ['embedding', 'pooled', 'logit'],
    'dallmi.mixup.pairing': ['vpu', 'reference'],
    'vpu.mixup.pairing': ['vpu', 'reference'],
    'dallmi.mixup.gradient': ['on', 'off'],
    'vpu.mixup.gradient': ['on', 'off'],
  };
}

/** Config keys that hold counts. */
const INTEGER_KEYS = /^(seed|epochs|batchSize|maxLength|vocabSize|discriminatorWidth)$/;

const PATTERNS: Record<string, string> = { 'scenario.name': '^(full|keep[0-9]{1,2})$' };

/** The schema of one config value, from its default (the TypeScript config type's runtime twin). */
function valueSchema(def: unknown, path: string, enums: Record<string, string[]>): JsonSchema {
  if (enums[path]) return { type: 'string', enum: enums[path] };
  if (PATTERNS[path]) return { type: 'string', pattern: PATTERNS[path] };
  if (def === null) return {};
  if (Array.isArray(def)) return { type: 'array' };
  if (isPlainObject(def)) {
    const open = (CELL_CONFIG_OPEN_PATHS as readonly string[]).includes(path);
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(def).map(([k, v]) => [k, valueSchema(v, path ? `${path}.${k}` : k, enums)])),
      additionalProperties: open,
    };
  }
  if (typeof def === 'number') return INTEGER_KEYS.test(path.split('.').pop() ?? '') ? { type: 'integer', minimum: 0 } : { type: 'number' };
  return { type: typeof def };
}

/** Every settable dotted path of a cell config with its schema (leaves, plus open objects). */
export function leafPaths(enums = enumerations()): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  const walk = (def: unknown, path: string): void => {
    if (isPlainObject(def) && !(CELL_CONFIG_OPEN_PATHS as readonly string[]).includes(path)) {
      for (const [k, v] of Object.entries(def)) walk(v, path ? `${path}.${k}` : k);
    } else {
      out.set(path, valueSchema(def, path, enums));
    }
  };
  walk(DEFAULT_CELL_CONFIG, '');
  out.set('preset', { type: 'string', enum: enums['preset'] });
  return out;
}

/** The schema of a partial cell config (every key optional), with `preset` allowed at the top. */
export function partialCellSchema(enums = enumerations()): JsonSchema {
  const s = valueSchema(DEFAULT_CELL_CONFIG, '', enums);
  (s['properties'] as Record<string, JsonSchema>)['preset'] = { type: 'string', enum: enums['preset'] };
  return s;
}

/**
 * The JSON Schema of a sweep spec, derived from the cell config's defaults and the registries (methods,
 * presets, backbones). `workbench sweep schema` writes it for editors; every spec is validated against it.
 */
export function sweepSchema(): JsonSchema {
  const enums = enumerations();
  const leaves = leafPaths(enums);
  const listOf = (item: JsonSchema): JsonSchema => ({ type: 'array', minItems: 1, items: item });
  const pathKeyed = (value: (s: JsonSchema) => JsonSchema): JsonSchema => ({
    type: 'object',
    properties: Object.fromEntries([...leaves].map(([p, s]) => [p, value(s)])),
    additionalProperties: false,
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'workbench sweep',
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      description: { type: 'string' },
      experiment: { type: 'string', minLength: 1 },
      preset: { type: 'string', enum: enums['preset'] },
      base: partialCellSchema(enums),
      grid: pathKeyed(listOf),
      zip: { type: 'array', items: pathKeyed(listOf) },
      cells: { type: 'array', items: partialCellSchema(enums) },
      seeds: listOf({ type: 'integer', minimum: 0 }),
      exclude: { type: 'array', items: pathKeyed((s) => ({ anyOf: [s, listOf(s)] })) },
      workers: { type: 'integer', minimum: 1 },
    },
  };
}
