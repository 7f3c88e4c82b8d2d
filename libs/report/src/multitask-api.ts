// The single- vs multi-task study's report (index.ts re-exports this file in one line).
export { multitaskColumns, summarizeMultitaskStudy } from './multitask-study.ts';
export type { MultitaskStudyRun, MultitaskColumn, MultitaskStat, MultitaskSummaryRow, MultitaskDelta, MultitaskStudySummary } from './multitask-study.ts';
export { renderMultitaskReport, multitaskChartSpec, formatStat } from './multitask-report.ts';
export type { MultitaskReport, MultitaskReportOptions } from './multitask-report.ts';
