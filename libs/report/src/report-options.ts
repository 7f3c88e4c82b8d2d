import { resolveConfig, type DeepPartial } from '@workbench/core';
import { REPORT_METRICS } from './report-run.ts';

export interface ReportOptions {
  /** The headline metric (bootstrap intervals, improvements, charts). */
  primaryMetric?: string;
  /** Final test metrics summarised over seeds. */
  metrics?: string[];
  /** Model selection among hyper-parameter variants: the highest mean of this metric over seeds (validation, never test). */
  validationMetric?: string;
  /** Methods every other method is compared with; those absent from the runs are ignored. */
  baselines?: string[];
  /** Test-row bootstrap. */
  bootstrap?: { resamples?: number; confidence?: number; seed?: number };
  /** Cells with fewer finished seeds get a warning. */
  minSeeds?: number;
  /** Confidence of the t-interval over seeds. */
  confidence?: number;
}

export const DEFAULT_REPORT_OPTIONS: Required<ReportOptions> = {
  primaryMetric: REPORT_METRICS.primary,
  metrics: [...REPORT_METRICS.final],
  validationMetric: REPORT_METRICS.validation,
  baselines: ['source-only', 'partial-supervised', 'unsupervised', 'vpu', 'dann'],
  bootstrap: { resamples: 1000, confidence: 0.95, seed: 0 },
  minSeeds: 3,
  confidence: 0.95,
};

export type ResolvedReportOptions = Required<ReportOptions> & { bootstrap: Required<ReportOptions['bootstrap'] & object> };

export function resolveReportOptions(partial: DeepPartial<ReportOptions> = {}): ResolvedReportOptions {
  return resolveConfig(DEFAULT_REPORT_OPTIONS, partial, { where: { source: 'report options' } }) as ResolvedReportOptions;
}
