import { WorkbenchError, didYouMeanSuffix, resolveConfig, type ErrorLocation } from '@workbench/core';

/** Where a config key lives, for messages: `loss.vpu.form` when the caller said `loss.vpu`. */
function at(where: ErrorLocation | undefined, key: string): ErrorLocation {
  return { ...where, path: where?.path ? `${where.path}.${key}` : key };
}

/** Rejects a string that is not one of `valid`, naming the key, the valid values and a did-you-mean. */
export function checkOneOf<T extends string>(value: string, valid: readonly T[], key: string, where?: ErrorLocation): T {
  if ((valid as readonly string[]).includes(value)) return value as T;
  throw new WorkbenchError('CONFIG_TYPE', `invalid value '${value}'${didYouMeanSuffix(value, valid)}; valid: ${valid.join(', ')}`, {
    where: at(where, key),
    details: { valid: [...valid] },
  });
}

/** Rejects a number outside [min, max] (or the open bounds when `open` says so). */
export function checkRange(
  value: number,
  key: string,
  bounds: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean },
  where?: ErrorLocation,
): number {
  const { min, max, minOpen = false, maxOpen = false } = bounds;
  const low = min === undefined || (minOpen ? value > min : value >= min);
  const high = max === undefined || (maxOpen ? value < max : value <= max);
  if (low && high) return value;
  const range = `${min === undefined ? '(-inf' : `${minOpen ? '(' : '['}${min}`}, ${max === undefined ? 'inf)' : `${max}${maxOpen ? ')' : ']'}`}`;
  throw new WorkbenchError('CONFIG_TYPE', `${value} is out of range: expected a number in ${range}`, { where: at(where, key) });
}

/**
 * The `resolve` of every loss: merge over the defaults (unknown keys rejected with a did-you-mean), then the
 * loss's own range checks.
 */
export function makeResolver<C extends object>(
  defaults: Required<C>,
  validate: (config: Required<C>, where: ErrorLocation | undefined) => void,
): (partial?: unknown, where?: ErrorLocation) => Required<C> {
  return (partial, where) => {
    const config = resolveConfig<C>(defaults, partial, { where });
    validate(config, where);
    return config;
  };
}
