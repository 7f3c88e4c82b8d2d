import { Registry } from '@workbench/core';
import { macroApByIndex, type IndexMetric, type Matrix } from '@workbench/metrics';

/** Metrics the report can recompute on resampled test rows from logged predictions, by their logged key. */
export const BOOTSTRAP_METRICS = new Registry<(truth: Matrix, scores: Matrix) => IndexMetric>('bootstrap metric').register('map_macro', macroApByIndex);
