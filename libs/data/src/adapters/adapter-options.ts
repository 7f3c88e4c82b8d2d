import { resolveConfig, type Defaults } from '@workbench/core';
import type { AdapterContext, AdapterSplit } from './dataset-adapter.ts';

/**
 * An adapter's options: its defaults, then the card's `options`, then the split's `options`. Unknown keys and
 * wrong types are errors naming the card file and the JSON path (`options.textColumn`, `splits.x.options.y`).
 */
export function resolveAdapterOptions<T extends object>(defaults: Defaults<T>, split: AdapterSplit, ctx: AdapterContext): Defaults<T> {
  const cardLevel = resolveConfig<T>(defaults, ctx.card.options, { where: { file: ctx.cardFile, path: 'options' } });
  return resolveConfig<T>(cardLevel, split.spec.options, { where: { file: ctx.cardFile, path: `splits.${split.name}.options` } });
}
