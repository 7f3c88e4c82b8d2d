import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Rng, WorkbenchError, canonicalJson, didYouMeanSuffix, type DatasetInput, type DatasetRow, type DatasetSplit, type TaskSpec } from '@workbench/core';
import type { AdapterContext, AdapterSplit, DatasetAdapter } from './adapters/dataset-adapter.ts';
import { readDatasetCard, type CardDomain, type CardSplit, type DatasetCard } from './dataset-card.ts';
import { DATASET_ADAPTERS } from './dataset-adapters.ts';
import { resolveDatasetRef, type DatasetRefOptions } from './dataset-ref.ts';
import { sklearnTrainTestSplit } from './numpy-random-state.ts';
import { RowValidator } from './row-validator.ts';
import { ValidationCollector, type ValidationReport } from './validation-report.ts';

export interface LoadDatasetOptions extends DatasetRefOptions {
  /** Skip rejected rows and record them in `validation.rejects` instead of failing at the first. */
  lenient?: boolean;
  /** Load only these splits (derived splits bring their parent). Default: all. */
  splits?: string[];
}

/** One file a dataset was read from, for the digest and provenance. */
export interface DatasetFile {
  /** Relative to the card's folder, or `$ENV/...` for files under a data root. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface LoadedDataset {
  name: string;
  card: DatasetCard;
  cardFile: string;
  dir: string;
  /** Splits in card order. */
  splits: Record<string, DatasetSplit>;
  splitNames: string[];
  tasks: TaskSpec[];
  domains: Record<string, CardDomain>;
  /** Declared metadata fields (carried on rows, never model inputs). */
  metadataFields: string[];
  /** Fields a domain-adaptation model must never see: the domain and every metadata field. */
  nonInputFields: string[];
  /** SHA-256 over the card (canonical JSON), the loaded split names and every data file read (path + content hash). */
  digest: string;
  files: DatasetFile[];
  validation: ValidationReport;
}

/** Loads a dataset by name or path: reads every split with the card's adapter and validates every row. */
export async function loadDataset(ref: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  return loadDatasetSync(ref, options);
}

export function loadDatasetSync(ref: string, options: LoadDatasetOptions = {}): LoadedDataset {
  const loc = resolveDatasetRef(ref, options);
  const card = readDatasetCard(loc.cardFile);
  return loadFromCard(card, loc.cardFile, options);
}

/** Loads the splits of an already parsed card (`cardFile` locates its relative paths). */
export function loadFromCard(cardIn: DatasetCard, cardFile: string, options: LoadDatasetOptions = {}): LoadedDataset {
  let card = cardIn;
  const env = options.env ?? process.env;
  const dir = path.dirname(cardFile);
  const adapter = DATASET_ADAPTERS.get(card.format, { file: cardFile, path: 'format' });
  const wanted = selectSplits(card, cardFile, options.splits);
  const locate = (name: string): AdapterSplit => {
    const spec = card.splits[name] as CardSplit;
    const rel = (spec.file ?? spec.dir) as string;
    return { name, spec, ...locateDataPath(card, cardFile, dir, rel, env, `splits.${name}.${spec.file !== undefined ? 'file' : 'dir'}`) };
  };
  card = withLabelsFromData(card, cardFile, adapter, locate);
  const collector = new ValidationCollector(options.lenient ?? false);
  const validator = new RowValidator(card);
  const ctx: AdapterContext = { card, cardFile };
  const seenIds = new Map<string, { split: string; file: string; line: number }>();
  const rowsBySplit = new Map<string, DatasetSplit>();
  const fileSet = new Map<string, string>();

  for (const name of wanted) {
    const spec = card.splits[name] as CardSplit;
    if (spec.from !== undefined) continue;
    const split = locate(name);
    const read = adapter.read(split, ctx);
    for (const f of read.files) fileSet.set(f, displayPath(f, split.path, split.shown));
    collector.startSplit(name);
    const rows: DatasetRow[] = [];
    let records = 0;
    for (const rec of read.records) {
      if (spec.limit !== undefined && records >= spec.limit) break;
      records++;
      collector.read(name);
      if (rec.kind === 'filtered') {
        collector.filter(name, rec.reason);
        continue;
      }
      if (rec.kind === 'reject') {
        collector.reject({ split: name, file: rec.file, line: rec.line, code: rec.code, reason: rec.reason, ...(rec.id !== undefined ? { id: rec.id } : {}) });
        continue;
      }
      const check = validator.check(rec.row, spec.domain);
      if (!check.ok) {
        collector.reject({ split: name, file: rec.file, line: rec.line, code: check.code, reason: check.reason, ...(check.id !== undefined ? { id: check.id } : {}) });
        continue;
      }
      const first = seenIds.get(check.row.id);
      if (first !== undefined) {
        const at = first.file === rec.file ? `line ${first.line}` : `${first.file}:${first.line}`;
        collector.reject({ split: name, file: rec.file, line: rec.line, id: check.row.id, code: 'duplicate-id', reason: `duplicate id '${check.row.id}' (first seen in split '${first.split}' at ${at})` });
        continue;
      }
      seenIds.set(check.row.id, { split: name, file: rec.file, line: rec.line });
      for (const f of check.undeclared) collector.undeclared(f);
      collector.keep(name);
      rows.push(check.row);
    }
    rowsBySplit.set(name, { name, rows, file: split.path });
  }
  for (const name of wanted) {
    const spec = card.splits[name] as CardSplit;
    if (spec.from === undefined) continue;
    rowsBySplit.set(name, deriveSplit(name, spec, rowsBySplit.get(spec.from) as DatasetSplit, cardFile));
  }

  const files = [...fileSet.entries()].map(([abs, shown]) => hashFile(abs, shown)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const splitNames = Object.keys(card.splits).filter((s) => wanted.includes(s));
  // The loaded split names are part of the identity: a load of some splits never passes for the whole dataset.
  const h = createHash('sha256').update(canonicalJson(card)).update(`\nsplits:${splitNames.join(',')}`);
  for (const f of files) h.update(`\n${f.path}\0${f.sha256}`);
  const metadataFields = Object.keys(card.metadata);
  return {
    name: card.name,
    card,
    cardFile,
    dir,
    splits: Object.fromEntries(splitNames.map((s) => [s, rowsBySplit.get(s) as DatasetSplit])),
    splitNames,
    tasks: card.tasks,
    domains: card.domains,
    metadataFields,
    nonInputFields: ['domain', ...metadataFields],
    digest: h.digest('hex'),
    files,
    validation: collector.result(),
  };
}

/** Fills the label sets of tasks declared `labelsFromData` from the first split read from files. */
function withLabelsFromData(card: DatasetCard, cardFile: string, adapter: DatasetAdapter, locate: (name: string) => AdapterSplit): DatasetCard {
  if (!card.tasks.some((t) => t.labelsFromData)) return card;
  const first = Object.keys(card.splits).find((s) => card.splits[s]?.from === undefined) as string;
  const tasks = card.tasks.map((t, i) => {
    if (!t.labelsFromData) return t;
    if (adapter.labelsFromData === undefined) {
      throw new WorkbenchError('DATASET_INVALID', `invalid dataset card: format '${adapter.name}' cannot read a label set from its files; list the labels`, { where: { file: cardFile, path: `tasks[${i}].labelsFromData` } });
    }
    return { ...t, labels: adapter.labelsFromData(locate(first), { card, cardFile }, t) };
  });
  return { ...card, tasks };
}

function selectSplits(card: DatasetCard, cardFile: string, requested: string[] | undefined): string[] {
  const all = Object.keys(card.splits);
  if (requested === undefined) return all;
  const out = new Set<string>();
  for (const s of requested) {
    const spec = card.splits[s];
    if (spec === undefined) {
      throw new WorkbenchError('UNKNOWN_NAME', `unknown split '${s}'${didYouMeanSuffix(s, all)}; splits of '${card.name}': ${all.join(', ')}`, { where: { file: cardFile, path: 'splits' } });
    }
    if (spec.from !== undefined) out.add(spec.from);
    out.add(s);
  }
  return all.filter((s) => out.has(s));
}

/**
 * Resolves a split's file against the card's folder, or against the folder of the card's data-root variable.
 * Missing data is an error that says which variable to set and which file is missing.
 */
function locateDataPath(card: DatasetCard, cardFile: string, dir: string, rel: string, env: Record<string, string | undefined>, jsonPath: string): { path: string; shown: string } {
  if (card.dataRoot === undefined) {
    const abs = path.resolve(dir, rel);
    if (!existsSync(abs)) throw new WorkbenchError('DATASET_NOT_FOUND', `missing data file '${rel}' of dataset '${card.name}' (looked for ${abs})`, { where: { file: cardFile, path: jsonPath } });
    return { path: abs, shown: rel };
  }
  const variable = card.dataRoot.env;
  const root = env[variable];
  const about = card.dataRoot.description ? ` (${card.dataRoot.description})` : '';
  if (root === undefined || root === '') {
    throw new WorkbenchError('DATASET_NOT_FOUND', `dataset '${card.name}' reads its files from the folder named by ${variable}, which is not set; it needs '${rel}' there`, {
      where: { file: cardFile, path: jsonPath, source: variable },
      hint: `set ${variable} to the folder holding ${dataFiles(card).join(', ')}${about}`,
    });
  }
  const abs = path.resolve(root, rel);
  if (!existsSync(abs)) {
    throw new WorkbenchError('DATASET_NOT_FOUND', `missing data file '${rel}' of dataset '${card.name}': ${abs} does not exist (${variable}=${root})`, {
      where: { file: cardFile, path: jsonPath, source: variable },
      hint: `${variable} must name the folder holding ${dataFiles(card).join(', ')}${about}`,
    });
  }
  return { path: abs, shown: `$${variable}/${rel}` };
}

function dataFiles(card: DatasetCard): string[] {
  return [...new Set(Object.values(card.splits).flatMap((s) => (s.file ?? s.dir ?? []) as string | string[]))];
}

/** How a file appears in the digest and reports: relative to its split's root, never machine-specific. */
function displayPath(file: string, splitPath: string, shownSplitPath: string): string {
  if (file === splitPath) return shownSplitPath;
  return `${shownSplitPath}/${path.relative(splitPath, file).split(path.sep).join('/')}`;
}

function hashFile(abs: string, shown: string): DatasetFile {
  const bytes = readFileSync(abs);
  return { path: shown, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A partition of another split: scikit-learn's train_test_split (`trainTestSplit`, row for row as the
 * reference code), or rows [floor(a*n), floor(b*n)) of a permutation fixed by the seed (`fraction`).
 */
function deriveSplit(name: string, spec: CardSplit, parent: DatasetSplit, cardFile: string): DatasetSplit {
  const n = parent.rows.length;
  let indices: number[];
  if (spec.trainTestSplit !== undefined) {
    const t = spec.trainTestSplit;
    try {
      indices = sklearnTrainTestSplit(n, { testSize: t.testSize, randomState: t.randomState })[t.part];
    } catch (e) {
      throw new WorkbenchError('DATASET_INVALID', `cannot derive split '${name}' from the ${n} rows of '${spec.from}': ${(e as Error).message}`, { where: { file: cardFile, path: `splits.${name}.trainTestSplit` } });
    }
  } else {
    const [a, b] = spec.fraction as [number, number];
    indices = new Rng(spec.seed ?? 0).derive('split').derive(spec.from as string).permutation(n).slice(Math.floor(a * n), Math.floor(b * n));
  }
  const rows = indices.map((i) => parent.rows[i] as DatasetRow);
  return { name, rows, ...(parent.file !== undefined ? { file: parent.file } : {}) };
}

/** A split by name, or an error listing the dataset's splits. */
export function getSplit(dataset: LoadedDataset, name: string): DatasetSplit {
  const split = dataset.splits[name];
  if (split === undefined) {
    throw new WorkbenchError('UNKNOWN_NAME', `dataset '${dataset.name}' has no split '${name}'${didYouMeanSuffix(name, dataset.splitNames)}; splits: ${dataset.splitNames.join(', ')}`, {
      where: { file: dataset.cardFile, path: 'splits' },
    });
  }
  return split;
}

/** A task by name, or an error listing the dataset's tasks. */
export function getTask(dataset: LoadedDataset, name: string): TaskSpec {
  const task = dataset.tasks.find((t) => t.name === name);
  if (task === undefined) {
    const names = dataset.tasks.map((t) => t.name);
    throw new WorkbenchError('UNKNOWN_NAME', `dataset '${dataset.name}' has no task '${name}'${didYouMeanSuffix(name, names)}; tasks: ${names.join(', ')}`, {
      where: { file: dataset.cardFile, path: 'tasks' },
    });
  }
  return task;
}

/**
 * SHA-256 of a split's rows as loaded (canonical JSON, in order): identifies exactly what a model saw, also
 * after a lenient load or a derived split, where the file digest alone does not.
 */
export function splitDigest(dataset: LoadedDataset, split: string): string {
  const h = createHash('sha256');
  for (const row of getSplit(dataset, split).rows) h.update(canonicalJson(row)).update('\n');
  return h.digest('hex');
}

/**
 * The MLflow dataset input of a loaded dataset (digest: the first 8 hex digits, as MLflow shows them). With
 * `split`, the input is that split (`<name>/<split>`, digest of its rows), e.g. one input per train/eval split.
 */
export function toDatasetInput(dataset: LoadedDataset, context?: string, split?: string): DatasetInput {
  const splits = split === undefined ? dataset.splitNames : [getSplit(dataset, split).name];
  const digest = split === undefined ? dataset.digest : splitDigest(dataset, split);
  const input: DatasetInput = {
    name: split === undefined ? dataset.name : `${dataset.name}/${split}`,
    digest: digest.slice(0, 8),
    source: JSON.stringify({ uri: dataset.dir, sha256: dataset.digest, ...(split !== undefined ? { split, split_sha256: digest } : {}) }),
    sourceType: 'local',
    schema: JSON.stringify({ tasks: dataset.tasks.map((t) => ({ name: t.name, type: t.type, field: t.field, labels: t.labels.length })), metadata: dataset.metadataFields }),
    profile: JSON.stringify({
      num_rows: Object.fromEntries(splits.map((s) => [s, dataset.splits[s]?.rows.length ?? 0])),
      rows_rejected: dataset.validation.rowsRejected,
      rows_filtered: dataset.validation.rowsFiltered,
    }),
  };
  if (context !== undefined) input.context = context;
  return input;
}
