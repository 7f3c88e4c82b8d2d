import { configHash, deepMerge, pickPaths, resolveConfig, type ErrorLocation } from '@workbench/core';
import { CELL_CONFIG_OPEN_PATHS, checkHeadBias, DEFAULT_CELL_CONFIG, type CellConfig } from './cell-config.ts';
import { STAGE1_KEYS } from './depends-on.ts';
import { METHODS } from './method-registry.ts';
import { PRESETS } from './presets.ts';

export interface ResolveCellOptions {
  /** A size preset applied between the defaults and the user's config. */
  preset?: string;
  where?: ErrorLocation;
}

/**
 * The full config of a cell: defaults <- preset <- the user's partial <- the method's own overrides (e.g.
 * `dallmi-reference` forces the public code's MixUp). Unknown keys, wrong types, unknown methods and presets
 * fail with the path and a did-you-mean.
 */
export function resolveCellConfig(partial: unknown, options: ResolveCellOptions = {}): CellConfig {
  const where = options.where ?? {};
  const preset = options.preset ? PRESETS.get(options.preset, { ...where, path: where.path ?? 'preset' }) : undefined;
  const base = preset ? resolveConfig(DEFAULT_CELL_CONFIG, preset.config, { openPaths: CELL_CONFIG_OPEN_PATHS }) : DEFAULT_CELL_CONFIG;
  const user = resolveConfig(base, partial, { where, openPaths: CELL_CONFIG_OPEN_PATHS });
  const method = METHODS.get(user.method, { ...where, path: where.path ? `${where.path}.method` : 'method' });
  checkHeadBias(user.backbone.headBias, where);
  return method.configOverrides ? (deepMerge(user as unknown as Record<string, unknown>, method.configOverrides as Record<string, unknown>) as unknown as CellConfig) : user;
}

/**
 * The identity of a cell: SHA-256 of the method name, the config paths it depends on (seed included) and the
 * dataset's content digest. Cells a method cannot tell apart get the same id and run once.
 */
export function cellIdentity(config: CellConfig, datasetDigest = ''): string {
  const method = METHODS.get(config.method);
  return configHash({ method: method.name, config: pickPaths(config as unknown as Record<string, unknown>, method.dependsOn), datasetDigest });
}

/** The key of the stage-1 model (pre-training + source training) a cell starts from. */
export function stage1Key(config: CellConfig, datasetDigest: string): string {
  return configHash({ stage: 'source', config: pickPaths(config as unknown as Record<string, unknown>, STAGE1_KEYS), datasetDigest });
}
