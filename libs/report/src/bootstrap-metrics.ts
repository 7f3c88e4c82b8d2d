import { Registry } from '@workbench/core';
import type { Matrix } from '@workbench/metrics';
import { macroApByCounts, type BlockMetric } from './resampled-metrics.ts';

/** Metrics the report can recompute on resampled test rows from logged predictions, by their logged key. */
export const BOOTSTRAP_METRICS = new Registry<(truth: Matrix, scores: Matrix) => BlockMetric>('bootstrap metric').register('map_macro', macroApByCounts);
