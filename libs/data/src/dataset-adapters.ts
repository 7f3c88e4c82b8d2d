import { Registry } from '@workbench/core';
import type { DatasetAdapter } from './adapters/dataset-adapter.ts';
import { dallmiCsvAdapter } from './adapters/dallmi-csv-adapter.ts';
import { jsonlAdapter } from './adapters/jsonl-adapter.ts';
import { massiveAdapter } from './adapters/massive-adapter.ts';
import { newsgroupsAdapter } from './adapters/newsgroups-adapter.ts';
import { tableAdapter } from './adapters/table-adapter.ts';

/** The formats a card's `format` may name. A new format is one adapter file and one line here. */
export const DATASET_ADAPTERS = new Registry<DatasetAdapter>('dataset format');
for (const adapter of [jsonlAdapter, tableAdapter, dallmiCsvAdapter, newsgroupsAdapter, massiveAdapter]) DATASET_ADAPTERS.register(adapter.name, adapter);
