// Public API of @workbench/sweep.
export { sweepSchema, partialCellSchema, leafPaths, enumerations } from './sweep-schema.ts';
export type { JsonSchema } from './sweep-schema.ts';
export { readSweepSpec, parseSweepSpec } from './sweep-spec.ts';
export type { SweepSpec } from './sweep-spec.ts';
export { expandSweep } from './expand-sweep.ts';
export type { SweepCell, ExpandedSweep } from './expand-sweep.ts';
export { parseCellFilter } from './cell-filter.ts';
export type { CellFilter } from './cell-filter.ts';
export { planCells, runsByConfigHash } from './sweep-plan.ts';
export type { CellState, PlannedCell, PlanOptions } from './sweep-plan.ts';
export { SweepProgress, formatDuration } from './sweep-progress.ts';
export type { ProgressSink } from './sweep-progress.ts';
export { runSweep, expandWithDatasets, specHash, cellTable, summary, SWEEP_TAGS, SWEEP_ARTIFACTS } from './run-sweep.ts';
export type { RunSweepOptions, SweepResult, SweepCellResult, CellResultStatus } from './run-sweep.ts';
export { WorkerPool } from './worker-pool.ts';
export type { CellOutcome, PoolEvents, PoolOptions } from './worker-pool.ts';
