import type { LoadedDataset } from '@workbench/data';
import { getTask } from '@workbench/data';
import type { TopLevelSpec } from 'vega-lite';

export interface LabelCount {
  split: string;
  label: string;
  positives: number;
  rows: number;
  prevalence: number;
}

/** Positives and prevalence of every label of a multi-label task in every split. */
export function labelCounts(dataset: LoadedDataset, taskName?: string): LabelCount[] {
  const task = getTask(dataset, taskName ?? dataset.tasks[0].name);
  const out: LabelCount[] = [];
  for (const split of dataset.splitNames) {
    const rows = dataset.splits[split].rows;
    const counts = new Map(task.labels.map((l) => [l, 0]));
    for (const row of rows) for (const l of (row[task.field] as string[] | undefined) ?? []) counts.set(l, (counts.get(l) ?? 0) + 1);
    for (const label of task.labels) {
      const positives = counts.get(label) ?? 0;
      out.push({ split, label, positives, rows: rows.length, prevalence: rows.length ? positives / rows.length : Number.NaN });
    }
  }
  return out;
}

/** Per split: rows, mean labels per row, rows without a label, text length percentiles (characters). */
export function splitSummary(dataset: LoadedDataset, taskName?: string): Record<string, number | string>[] {
  const task = getTask(dataset, taskName ?? dataset.tasks[0].name);
  return dataset.splitNames.map((split) => {
    const rows = dataset.splits[split].rows;
    const lengths = rows.map((r) => r.text.length).sort((a, b) => a - b);
    const q = (p: number): number => lengths[Math.min(lengths.length - 1, Math.floor(p * lengths.length))] ?? 0;
    const labelsPerRow = rows.map((r) => ((r[task.field] as string[] | undefined) ?? []).length);
    return {
      split,
      rows: rows.length,
      labels_per_row: labelsPerRow.reduce((a, b) => a + b, 0) / Math.max(1, rows.length),
      rows_without_label: labelsPerRow.filter((n) => n === 0).length,
      text_chars_p10: q(0.1),
      text_chars_p50: q(0.5),
      text_chars_p90: q(0.9),
    };
  });
}

/** Prevalence of every label per split: the label shift between source and target at a glance. */
export function prevalenceChart(counts: LabelCount[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: counts },
    width: { step: 14 },
    height: 220,
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'nominal', sort: '-y', title: null },
      xOffset: { field: 'split', type: 'nominal' },
      y: { field: 'prevalence', type: 'quantitative', axis: { format: '.0%' } },
      color: { field: 'split', type: 'nominal' },
      tooltip: [{ field: 'split' }, { field: 'label' }, { field: 'positives' }, { field: 'prevalence', format: '.1%' }],
    },
  } as TopLevelSpec;
}
