import { canonicalJson, deepMerge, getPath, setPath, WorkbenchError, type ErrorLocation } from '@workbench/core';
import { cellIdentity, resolveCellConfig, type CellConfig } from '@workbench/methods';
import type { SweepSpec } from './sweep-spec.ts';

/** One distinct run of a sweep. */
export interface SweepCell {
  /** The cell's identity: hash of what its method depends on (seed included) and the dataset digest. */
  id: string;
  config: CellConfig;
  preset: string | undefined;
  /** Human-readable: method, scenario, the varied values and the seed. */
  label: string;
  /** The values this cell's grid points set (several points may collapse into one cell). */
  points: Record<string, unknown>[];
}

export interface ExpandedSweep {
  spec: SweepSpec;
  cells: SweepCell[];
  /** Grid points before collapsing points a method cannot tell apart. */
  points: number;
  excluded: number;
  /** The content digest of every dataset the cells read. */
  digests: Map<string, string>;
}

/** Where one value of a point was set in the spec. */
interface Source {
  path: string;
  where: ErrorLocation;
}

interface Point {
  values: Record<string, unknown>;
  /** Where each value came from in the spec (by config path), for messages. */
  sources: Record<string, Source>;
}

function originOf(p: Point): string {
  return Object.values(p.sources).map((s) => s.path).join(', ');
}

function product(spec: SweepSpec): Point[] {
  let points: Point[] = [{ values: {}, sources: {} }];
  for (const [key, values] of Object.entries(spec.grid)) {
    const next: Point[] = [];
    for (const p of points) {
      values.forEach((v, i) => next.push({ values: { ...p.values, [key]: v }, sources: { ...p.sources, [key]: { path: `grid.${key}[${i}]`, where: spec.locate(['grid', key, i]) } } }));
    }
    points = next;
  }
  return points;
}

function matches(rule: Record<string, unknown>, config: CellConfig, preset: string | undefined): boolean {
  return Object.entries(rule).every(([path, expected]) => {
    const actual = path === 'preset' ? preset : getPath(config, path);
    const options = Array.isArray(expected) ? expected : [expected];
    return options.some((o) => canonicalJson(o) === canonicalJson(actual ?? null));
  });
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The label of a cell: method, scenario, the other varied values and the seed. Where points that collapsed into
 * the cell set a key differently (source-only does not depend on the scenario), the label lists every value
 * (`keep50|keep10`), so it never claims a setting the cell does not stand for alone.
 */
function describe(config: CellConfig, points: Record<string, unknown>[]): string {
  const valuesOf = (key: string, own: unknown): string => [...new Set(points.map((p) => (key in p ? show(p[key]) : show(own))))].join('|');
  const keys = [...new Set(points.flatMap((p) => Object.keys(p)))].filter((k) => !['method', 'scenario.name', 'seed'].includes(k));
  const varied = keys.map((k) => `${k}=${valuesOf(k, getPath(config, k))}`);
  return [config.method, valuesOf('scenario.name', config.scenario.name), ...varied, `seed ${config.seed}`].join(' ');
}

/**
 * Expands a sweep into its distinct cells. Every point is resolved (unknown methods, presets and keys fail
 * with their place in the spec); two points that set exactly the same values are an error (a duplicated
 * cell); points that differ only in keys their method ignores collapse into one cell. An empty result is an
 * error too. `datasetDigest` gives each dataset's content digest, part of a cell's identity.
 */
export function expandSweep(spec: SweepSpec, datasetDigest: (dataset: string) => string): ExpandedSweep {
  let points = product(spec);
  spec.zip.forEach((group, g) => {
    const keys = Object.keys(group);
    const n = group[keys[0] as string]?.length ?? 0;
    const next: Point[] = [];
    for (const p of points) {
      for (let i = 0; i < n; i++) {
        const values = { ...p.values };
        const sources = { ...p.sources };
        for (const k of keys) {
          values[k] = (group[k] as unknown[])[i];
          sources[k] = { path: `zip[${g}].${k}[${i}]`, where: spec.locate(['zip', g, k, i]) };
        }
        next.push({ values, sources });
      }
    }
    points = next;
  });
  const hasAxes = Object.keys(spec.grid).length > 0 || spec.zip.length > 0;
  if (!hasAxes) points = [];
  spec.cells.forEach((c, i) => {
    const values = flatten(c);
    const sources = Object.fromEntries(Object.keys(values).map((k) => [k, { path: `cells[${i}].${k}`, where: spec.locate(['cells', i, ...k.split('.')]) }]));
    points.push({ values, sources });
  });
  if (points.length === 0) {
    throw new WorkbenchError('SWEEP_INVALID', 'empty grid: the spec sets no grid, zip or cells, so it has no cell to run', { where: { file: spec.file } });
  }
  /** The place of the value that decides config path `path` for a point: its own axis or cell, else base. */
  const sourceOf = (point: Point, path: string | undefined): Source => {
    const key = path === undefined ? undefined : Object.keys(point.sources).find((k) => path === k || path.startsWith(`${k}.`) || k.startsWith(`${path}.`));
    if (key !== undefined) return point.sources[key] as Source;
    const first = path?.split('.')[0];
    if (first !== undefined && first in spec.base) return { path: `base.${path}`, where: spec.locate(['base', ...(path as string).split('.')]) };
    const any = Object.values(point.sources)[0];
    return { path: originOf(point), where: any?.where ?? { file: spec.file } };
  };
  const relocated = (e: WorkbenchError, src: Source): WorkbenchError =>
    new WorkbenchError(e.code, e.reason, { where: { ...src.where, path: src.path }, hint: e.hint, details: e.details });

  const seen = new Map<string, string>();
  const cells = new Map<string, SweepCell>();
  const digests = new Map<string, string>();
  let total = 0;
  let excluded = 0;
  for (const point of points) {
    // A seed set by the point itself (grid, zip or cells) wins; `seeds` multiplies only the others, and without
    // `seeds` the seed comes from `base` or the defaults.
    const seeds: (number | undefined)[] = 'seed' in point.values || spec.seeds.length === 0 ? [undefined] : spec.seeds;
    for (const seed of seeds) {
      const values: Record<string, unknown> = seed === undefined ? { ...point.values } : { ...point.values, seed };
      const preset = (values['preset'] as string | undefined) ?? (spec.base['preset'] as string | undefined) ?? spec.preset;
      const key = canonicalJson({ values, preset: preset ?? null });
      const origin = seed === undefined ? originOf(point) : `${originOf(point)}, seeds ${seed}`;
      const previous = seen.get(key);
      if (previous !== undefined) {
        const src = Object.values(point.sources).pop() as Source;
        throw new WorkbenchError('SWEEP_INVALID', `duplicated cell: ${origin} sets the same values as ${previous}`, { where: { ...src.where, path: undefined } });
      }
      seen.set(key, origin);
      const partial: Record<string, unknown> = deepMerge(withoutPreset(spec.base), unflatten(withoutPreset(values)));
      let config: CellConfig;
      try {
        config = resolveCellConfig(partial, { preset });
      } catch (e) {
        if (e instanceof WorkbenchError) throw relocated(e, sourceOf(point, e.where?.path ?? (values['preset'] !== undefined ? 'preset' : undefined)));
        throw e;
      }
      total++;
      if (spec.exclude.some((rule) => matches(rule, config, preset))) {
        excluded++;
        continue;
      }
      let digest: string;
      try {
        digest = datasetDigest(config.dataset);
      } catch (e) {
        if (e instanceof WorkbenchError) throw relocated(e, sourceOf(point, 'dataset'));
        throw e;
      }
      digests.set(config.dataset, digest);
      const id = cellIdentity(config, digest);
      const existing = cells.get(id);
      if (existing) {
        existing.points.push(values);
        existing.label = describe(existing.config, existing.points);
      } else {
        cells.set(id, { id, config, preset, label: describe(config, [values]), points: [values] });
      }
    }
  }
  if (cells.size === 0) throw new WorkbenchError('SWEEP_INVALID', `every one of the ${total} cells is excluded by 'exclude'`, { where: spec.locate(['exclude']) });
  return { spec, cells: [...cells.values()], points: total, excluded, digests };
}

function withoutPreset(o: Record<string, unknown>): Record<string, unknown> {
  const { preset: _preset, ...rest } = o;
  return rest;
}

/** Nested partial -> dotted paths (leaves). */
function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && k !== 'overrides') Object.assign(out, flatten(v as Record<string, unknown>, p));
    else out[p] = v;
  }
  return out;
}

function unflatten(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) setPath(out, k, v);
  return out;
}
