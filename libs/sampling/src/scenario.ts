import { didYouMeanSuffix, Registry, resolveConfig, WorkbenchError, type ErrorLocation } from '@workbench/core';
import type { Rounding } from './round-half-even.ts';

/** How target-train positives are hidden to make a label-availability scenario (see dallmi.md). */
export interface ScenarioConfig {
  /** Nominal percentage of positives kept, 0..100; the removal ratio is r = (100 - keepPercent) / 100. */
  keepPercent: number;
  /** `per-label` (the paper's main setting) or `per-sample`. */
  removal: 'per-label' | 'per-sample';
  /** `split`: one removal over the whole split; `chunk1000`: independently per block of 1000 rows, as the reference code. */
  scope: 'split' | 'chunk1000';
  /** Python's half-to-even (the reference), or half-up only to measure what that choice changes. */
  rounding: Rounding;
  /** per-sample: which hidden positive comes back for a label left with none: a random one, or the first row (reference). */
  restore: 'random' | 'first';
}

export const DEFAULT_SCENARIO: Required<ScenarioConfig> = {
  keepPercent: 100,
  removal: 'per-label',
  scope: 'split',
  rounding: 'half-even',
  restore: 'random',
};

/** A scenario with its name, as logged with a run. */
export interface ResolvedScenario extends ScenarioConfig {
  name: string;
}

const ENUMS: { [K in keyof ScenarioConfig]?: readonly string[] } = {
  removal: ['per-label', 'per-sample'],
  scope: ['split', 'chunk1000'],
  rounding: ['half-even', 'half-up'],
  restore: ['random', 'first'],
};

/** The named scenarios of the paper (r = 0.5, 0.7, 0.9) and `full` (nothing hidden). `keep<NN>` works for any NN. */
export const SCENARIOS = new Registry<Partial<ScenarioConfig>>('scenario')
  .register('full', { keepPercent: 100 })
  .register('keep50', { keepPercent: 50 })
  .register('keep30', { keepPercent: 30 })
  .register('keep10', { keepPercent: 10 });

const KEEP = /^keep(\d{1,3}(?:\.\d+)?)$/;

/**
 * The scenario called `name` (`full`, `keep50`, `keep30`, `keep10`, or `keep<NN>` for any percentage 0..100),
 * with `overrides` (e.g. `{removal: 'per-sample', scope: 'chunk1000'}`) merged over it. Unknown names and
 * keys fail with the valid ones and a did-you-mean.
 */
export function resolveScenario(name: string, overrides: Partial<ScenarioConfig> = {}, where?: ErrorLocation): ResolvedScenario {
  const base = scenarioBase(name, where);
  if (overrides && 'keepPercent' in overrides) {
    throw new WorkbenchError('CONFIG_INVALID', `keepPercent comes from the scenario name ('${name}'); name the scenario keep<NN> instead`, {
      where: { ...where, path: 'scenario.keepPercent' },
    });
  }
  const config = resolveConfig<ScenarioConfig>(DEFAULT_SCENARIO, { ...base, ...overrides }, { where: { ...where, path: where?.path ?? 'scenario' } });
  for (const [key, valid] of Object.entries(ENUMS)) {
    const value = config[key as keyof ScenarioConfig] as string;
    if (!valid.includes(value)) {
      throw new WorkbenchError('CONFIG_TYPE', `scenario ${key} '${value}' is not one of ${valid.join(', ')}${didYouMeanSuffix(value, valid)}`, {
        where: { ...where, path: `scenario.${key}` },
      });
    }
  }
  checkKeepPercent(config.keepPercent, where);
  return { name, ...config };
}

/** The removal ratio r of a scenario, computed as the reference's literals (70 / 100 is exactly the double 0.7). */
export function removalRatio(scenario: ScenarioConfig): number {
  checkKeepPercent(scenario.keepPercent);
  return (100 - scenario.keepPercent) / 100;
}

function scenarioBase(name: string, where?: ErrorLocation): Partial<ScenarioConfig> {
  if (typeof name !== 'string') throw new WorkbenchError('CONFIG_TYPE', `scenario name must be a string, got ${typeof name}`, { where });
  if (SCENARIOS.has(name)) return SCENARIOS.get(name);
  const m = KEEP.exec(name);
  if (m) {
    const keepPercent = Number(m[1]);
    checkKeepPercent(keepPercent, where, name);
    return { keepPercent };
  }
  const valid = SCENARIOS.names();
  throw new WorkbenchError('UNKNOWN_NAME', `unknown scenario '${name}'${didYouMeanSuffix(name, valid)}; valid: ${valid.join(', ')}, or keep<NN> for any NN in 0..100`, {
    where,
    details: { valid },
  });
}

function checkKeepPercent(keepPercent: number, where?: ErrorLocation, name?: string): void {
  if (!(typeof keepPercent === 'number' && keepPercent >= 0 && keepPercent <= 100)) {
    throw new WorkbenchError('CONFIG_TYPE', `${name ? `scenario '${name}': ` : ''}keepPercent must be in 0..100, got ${String(keepPercent)}`, {
      where: { ...where, path: where?.path ?? 'scenario.keepPercent' },
    });
  }
}
