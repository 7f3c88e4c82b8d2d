// Public API of @workbench/data.
export { CARD_FILE, TASK_TYPES, RESERVED_FIELDS, parseDatasetCard, readDatasetCard } from './dataset-card.ts';
export type { DatasetCard, CardSplit, CardDomain, CardProvenance, CardMetadataField, CardDataRoot } from './dataset-card.ts';
export { findWorkspaceRoot, datasetsDirectory, datasetNames, resolveDatasetRef } from './dataset-ref.ts';
export type { DatasetRefOptions, DatasetLocation } from './dataset-ref.ts';
export { loadDataset, loadDatasetSync, loadFromCard, getSplit, getTask, toDatasetInput } from './load-dataset.ts';
export type { LoadDatasetOptions, LoadedDataset, DatasetFile } from './load-dataset.ts';
export { ValidationCollector, rejectsToJsonl } from './validation-report.ts';
export type { ValidationReport, RejectedRow, RejectCode, SplitCounts } from './validation-report.ts';
export { RowValidator } from './row-validator.ts';
export { DATASET_ADAPTERS } from './dataset-adapters.ts';
export type { DatasetAdapter, AdapterSplit, AdapterContext, AdapterRead, RawRecord } from './adapters/dataset-adapter.ts';
