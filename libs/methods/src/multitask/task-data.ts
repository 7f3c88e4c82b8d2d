import { Rng, WorkbenchError, didYouMeanSuffix, type DatasetRow, type TaskType } from '@workbench/core';
import { getSplit, type LoadedDataset } from '@workbench/data';
import type { MultitaskConfig } from './multitask-config.ts';

/** A task ready for training: its card spec, the label set the model predicts, and its loss weight. */
export interface ResolvedTask {
  name: string;
  type: TaskType;
  field: string;
  labels: string[];
  weight: number;
}

/**
 * The targets of one task on one split, aligned with the split's rows. Rows without a label for the task are
 * `has[i] = 0` and never enter its loss or metrics.
 * - multi-class: `classes[i]` the class id (-1 if none);
 * - multi-label: `multiHot` rows x labels (0/1);
 * - token-tagging: `wordTags[i]` one tag id per word of `row.tokens`.
 */
export interface TaskTargets {
  has: Uint8Array;
  classes?: Int32Array;
  multiHot?: Float32Array;
  wordTags?: number[][];
}

export interface SplitData {
  name: string;
  rowIds: string[];
  texts: string[];
  /** Word tokens (set when a task tags tokens). */
  words?: string[][];
  targets: Map<string, TaskTargets>;
}

export interface MultitaskData {
  tasks: ResolvedTask[];
  train: SplitData;
  /** Rows held out of the training splits (`validationFraction`), if any. */
  validation?: SplitData;
  test: SplitData;
  /** True when a tagging task needs word-aligned tokenization. */
  needsWords: boolean;
}

/**
 * Checks the tasks against the dataset before anything trains, and builds every target. Errors name the task and
 * the problem: an unknown or duplicate task, a type or label set that contradicts the card, a label that never
 * occurs in the training data, a token-tagging task on rows without word tokens, a split that does not exist.
 */
export function prepareMultitaskData(config: MultitaskConfig, dataset: LoadedDataset): MultitaskData {
  const where = (path: string): { where: { file: string; path: string } } => ({ where: { file: dataset.cardFile, path } });
  const names = dataset.tasks.map((t) => t.name);
  const seen = new Set<string>();
  const tasks: ResolvedTask[] = config.tasks.map((t, i) => {
    if (seen.has(t.name)) throw new WorkbenchError('CONFIG_INVALID', `two tasks are named '${t.name}': task names must be unique`, where(`tasks[${i}].name`));
    seen.add(t.name);
    const spec = dataset.tasks.find((s) => s.name === t.name);
    if (!spec) throw new WorkbenchError('UNKNOWN_NAME', `dataset '${dataset.name}' has no task '${t.name}'${didYouMeanSuffix(t.name, names)}; tasks: ${names.join(', ')}`, where(`tasks[${i}].name`));
    if (t.type !== undefined && t.type !== spec.type) throw new WorkbenchError('CONFIG_INVALID', `task '${t.name}' is ${spec.type} in dataset '${dataset.name}', not ${t.type}`, where(`tasks[${i}].type`));
    const labels = t.labels ?? spec.labels;
    const unknown = labels.filter((l) => !spec.labels.includes(l));
    if (unknown.length) throw new WorkbenchError('CONFIG_INVALID', `task '${t.name}': label(s) ${unknown.map((l) => `'${l}'`).join(', ')} are not in the label set of dataset '${dataset.name}'`, where(`tasks[${i}].labels`));
    return { name: t.name, type: spec.type, field: spec.field, labels: [...labels], weight: t.weight ?? 1 };
  });
  const splitNames = config.trainSplits ?? dataset.splitNames.filter((s) => s !== config.testSplit);
  const rowsOf = (name: string, path: string): DatasetRow[] => {
    try {
      return getSplit(dataset, name).rows;
    } catch (e) {
      throw new WorkbenchError('CONFIG_INVALID', `dataset '${dataset.name}' has no split '${name}'; splits: ${dataset.splitNames.join(', ')}`, { ...where(path), cause: e });
    }
  };
  if (!dataset.splitNames.includes(config.testSplit)) rowsOf(config.testSplit, 'testSplit');
  let trainRows = splitNames.flatMap((s) => rowsOf(s, 'trainSplits'));
  if (config.maxTrainRows !== null && config.maxTrainRows < trainRows.length) {
    // A seeded subset, kept in data order: the same rows for every method and backbone of a seed.
    const keep = new Rng(config.seed).derive('train-rows').shuffle(Array.from(trainRows.keys())).slice(0, config.maxTrainRows).sort((a, b) => a - b);
    const all = trainRows;
    trainRows = keep.map((i) => all[i] as DatasetRow);
  }
  let validationRows: DatasetRow[] = [];
  if (config.validationFraction > 0) {
    // Seeded by the seed alone (not the method or backbone): every cell of a seed holds out the same rows.
    const held = new Set(new Rng(config.seed).derive('validation-rows').shuffle(Array.from(trainRows.keys())).slice(0, Math.round(trainRows.length * config.validationFraction)));
    validationRows = trainRows.filter((_, i) => held.has(i));
    trainRows = trainRows.filter((_, i) => !held.has(i));
  }
  const testRows = rowsOf(config.testSplit, 'testSplit');
  const needsWords = tasks.some((t) => t.type === 'token-tagging');
  if (needsWords) {
    const row = [...trainRows, ...testRows].find((r) => !Array.isArray(r.tokens));
    if (row) {
      const tagging = tasks.find((t) => t.type === 'token-tagging') as ResolvedTask;
      throw new WorkbenchError('DATASET_INVALID', `task '${tagging.name}' tags tokens, but row '${row.id}' of dataset '${dataset.name}' has no word tokens ('tokens' field): a token-tagging task needs a dataset with tags`, where('tasks'));
    }
  }
  const train = buildSplit(splitNames.join('+'), trainRows, tasks, needsWords, dataset.name);
  const test = buildSplit(config.testSplit, testRows, tasks, needsWords, dataset.name);
  const validation = validationRows.length ? buildSplit(`${splitNames.join('+')}:validation`, validationRows, tasks, needsWords, dataset.name) : undefined;
  for (const task of tasks) {
    const t = train.targets.get(task.name) as TaskTargets;
    const labelled = t.has.reduce((a, b) => a + b, 0);
    if (labelled === 0) throw new WorkbenchError('DATASET_INVALID', `task '${task.name}': no training row has field '${task.field}' (its labels are missing from the data)`, where('tasks'));
    const counts = labelCounts(task, t);
    // BIO tag sets are sparse by nature (an I- tag of a one-word slot type may never occur): only classes are checked.
    const absent = task.type === 'token-tagging' ? [] : task.labels.filter((_, j) => counts[j] === 0);
    // A label the model must predict but never sees would be a silent zero: refuse it (restrict `labels` instead).
    if (absent.length) {
      throw new WorkbenchError('DATASET_INVALID', `task '${task.name}': label(s) ${absent.slice(0, 10).map((l) => `'${l}'`).join(', ')}${absent.length > 10 ? ` and ${absent.length - 10} more` : ''} never occur in the training splits (${splitNames.join(', ')}) of dataset '${dataset.name}'`, {
        ...where('tasks'),
        hint: `give the task an explicit 'labels' list without them`,
      });
    }
  }
  return { tasks, train, ...(validation ? { validation } : {}), test, needsWords };
}

function buildSplit(name: string, rows: DatasetRow[], tasks: ResolvedTask[], needsWords: boolean, dataset: string): SplitData {
  const targets = new Map<string, TaskTargets>();
  for (const task of tasks) {
    const index = new Map(task.labels.map((l, i) => [l, i]));
    const has = new Uint8Array(rows.length);
    const t: TaskTargets = { has };
    if (task.type === 'multi-class') t.classes = new Int32Array(rows.length).fill(-1);
    if (task.type === 'multi-label') t.multiHot = new Float32Array(rows.length * task.labels.length);
    if (task.type === 'token-tagging') t.wordTags = [];
    rows.forEach((row, i) => {
      const value = row[task.field];
      if (value === undefined || value === null) {
        t.wordTags?.push([]);
        return;
      }
      if (task.type === 'multi-class') {
        const id = index.get(String(value));
        // A class outside a restricted label set: the row is not labelled for this model.
        if (id === undefined) return;
        (t.classes as Int32Array)[i] = id;
        has[i] = 1;
      } else if (task.type === 'multi-label') {
        for (const l of value as string[]) {
          const id = index.get(l);
          if (id !== undefined) (t.multiHot as Float32Array)[i * task.labels.length + id] = 1;
        }
        has[i] = 1;
      } else {
        const tags = value as string[];
        if (tags.length !== (row.tokens as string[]).length) {
          throw new WorkbenchError('DATASET_INVALID', `row '${row.id}' of dataset '${dataset}' has ${tags.length} '${task.field}' tags for ${(row.tokens as string[]).length} tokens`, { where: { source: name } });
        }
        // Tags outside a restricted set become 'O' (if the set has it) so spans stay well-formed.
        const o = index.get('O') ?? 0;
        (t.wordTags as number[][]).push(tags.map((g) => index.get(g) ?? o));
        has[i] = 1;
      }
    });
    targets.set(task.name, t);
  }
  return {
    name,
    rowIds: rows.map((r) => r.id),
    texts: rows.map((r) => r.text),
    ...(needsWords ? { words: rows.map((r) => r.tokens as string[]) } : {}),
    targets,
  };
}

function labelCounts(task: ResolvedTask, t: TaskTargets): number[] {
  const counts = new Array<number>(task.labels.length).fill(0);
  const L = task.labels.length;
  t.has.forEach((h, i) => {
    if (!h) return;
    if (t.classes) counts[t.classes[i] as number]++;
    if (t.multiHot) for (let j = 0; j < L; j++) counts[j] += t.multiHot[i * L + j] as number;
    if (t.wordTags) for (const g of t.wordTags[i] as number[]) counts[g]++;
  });
  return counts;
}
