import type { DatasetRow, TaskType } from '@workbench/core';
import type { DatasetFile, LoadedDataset } from './load-dataset.ts';
import type { SplitCounts, ValidationReport } from './validation-report.ts';

/** Distribution of a length: min, max, mean and percentiles (linear interpolation, numpy's default). */
export interface LengthStats {
  min: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  max: number;
  mean: number;
}

export interface SplitSummary {
  name: string;
  rows: number;
  /** Rows whose text (case- and whitespace-folded) already appeared earlier in the same split. */
  duplicateTexts: number;
  /** Rows per domain. */
  domains: Record<string, number>;
  /** Text length in characters (code points) and in whitespace-separated words. */
  chars: LengthStats;
  words: LengthStats;
}

export interface TaskSummary {
  name: string;
  type: TaskType;
  field: string;
  labels: string[];
  /** Per split: rows holding each label (multi-label, multi-class) or tokens tagged with it (token tagging). */
  frequencies: Record<string, Record<string, number>>;
  /** Per split, multi-label only: mean labels per row and rows with no label. */
  labelsPerRow?: Record<string, { mean: number; empty: number }>;
}

/** What `workbench datasets show` prints: enough to write a paper's data section from. */
export interface DatasetSummary {
  name: string;
  description: string;
  format: string;
  license: string;
  provenance: LoadedDataset['card']['provenance'];
  dir: string;
  digest: string;
  files: DatasetFile[];
  splits: SplitSummary[];
  tasks: TaskSummary[];
  metadataFields: string[];
  nonInputFields: string[];
  /** Distinct texts found in both splits of a pair (a leak when one is a test split); derived splits are compared with their siblings, not their parent. */
  sharedTexts: { a: string; b: string; texts: number }[];
  validation: Omit<ValidationReport, 'rejects'> & { splits: Record<string, SplitCounts> };
}

/** Linear-interpolation percentile of sorted values (numpy's default method). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

export function lengthStats(values: readonly number[]): LengthStats {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.length === 0 ? Number.NaN : s.reduce((a, b) => a + b, 0) / s.length;
  return { min: s[0] ?? Number.NaN, p5: percentile(s, 5), p25: percentile(s, 25), p50: percentile(s, 50), p75: percentile(s, 75), p95: percentile(s, 95), max: s[s.length - 1] ?? Number.NaN, mean };
}

/** The key under which two texts count as the same: NFC already applied, case and whitespace folded. */
function textKey(text: string): string {
  return text.toLowerCase().split(/\s+/).filter((w) => w !== '').join(' ');
}

function splitSummary(name: string, rows: readonly DatasetRow[]): SplitSummary {
  const domains: Record<string, number> = {};
  for (const r of rows) domains[r.domain] = (domains[r.domain] ?? 0) + 1;
  const seen = new Set<string>();
  let duplicateTexts = 0;
  for (const r of rows) {
    const k = textKey(r.text);
    if (seen.has(k)) duplicateTexts++;
    else seen.add(k);
  }
  return {
    name,
    rows: rows.length,
    duplicateTexts,
    domains,
    chars: lengthStats(rows.map((r) => [...r.text].length)),
    words: lengthStats(rows.map((r) => r.text.split(/\s+/).filter((w) => w !== '').length)),
  };
}

/** Summarises a loaded dataset: rows per split and domain, label frequencies per task, text lengths. */
export function summarizeDataset(ds: LoadedDataset): DatasetSummary {
  const tasks: TaskSummary[] = ds.tasks.map((t) => {
    const frequencies: Record<string, Record<string, number>> = {};
    const labelsPerRow: Record<string, { mean: number; empty: number }> = {};
    for (const s of ds.splitNames) {
      const counts: Record<string, number> = Object.fromEntries(t.labels.map((l) => [l, 0]));
      const rows = ds.splits[s]?.rows ?? [];
      let total = 0;
      let empty = 0;
      for (const r of rows) {
        const v = r[t.field];
        const values = t.type === 'multi-class' ? [v as string] : ((v as string[] | undefined) ?? []);
        for (const l of values) counts[l] = (counts[l] ?? 0) + 1;
        total += values.length;
        if (values.length === 0) empty++;
      }
      frequencies[s] = counts;
      if (t.type === 'multi-label') labelsPerRow[s] = { mean: rows.length ? total / rows.length : Number.NaN, empty };
    }
    return { name: t.name, type: t.type, field: t.field, labels: t.labels, frequencies, ...(t.type === 'multi-label' ? { labelsPerRow } : {}) };
  });
  const { rejects: _rejects, ...validation } = ds.validation;
  const keys = new Map(ds.splitNames.map((sp) => [sp, new Set((ds.splits[sp]?.rows ?? []).map((r) => textKey(r.text)))]));
  const parentOf = (sp: string): string | undefined => ds.card.splits[sp]?.from;
  const sharedTexts: DatasetSummary['sharedTexts'] = [];
  ds.splitNames.forEach((a, i) => {
    for (const b of ds.splitNames.slice(i + 1)) {
      if (parentOf(a) === b || parentOf(b) === a) continue;
      const [small, large] = [keys.get(a) as Set<string>, keys.get(b) as Set<string>].sort((x, y) => x.size - y.size) as [Set<string>, Set<string>];
      let texts = 0;
      for (const k of small) if (large.has(k)) texts++;
      sharedTexts.push({ a, b, texts });
    }
  });
  return {
    name: ds.name,
    description: ds.card.description,
    format: ds.card.format,
    license: ds.card.license,
    provenance: ds.card.provenance,
    dir: ds.dir,
    digest: ds.digest,
    files: ds.files,
    splits: ds.splitNames.map((s) => splitSummary(s, ds.splits[s]?.rows ?? [])),
    tasks,
    metadataFields: ds.metadataFields,
    nonInputFields: ds.nonInputFields,
    sharedTexts,
    validation,
  };
}
