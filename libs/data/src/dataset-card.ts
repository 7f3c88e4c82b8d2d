import { readFileSync } from 'node:fs';
import { WorkbenchError, didYouMeanSuffix, isPlainObject, type TaskSpec, type TaskType } from '@workbench/core';

/** The file name of a dataset card inside its folder. */
export const CARD_FILE = 'dataset.json';

export const TASK_TYPES: readonly TaskType[] = ['multi-label', 'multi-class', 'token-tagging'];

/** Where the data came from and under which terms: what a paper's data statement needs. */
export interface CardProvenance {
  source: string;
  url?: string;
  citation?: string;
  notes?: string;
}

/**
 * One split. Either read from a file or folder (`file` / `dir`, relative to the card's folder or to the data
 * root), or derived from another split by a seeded partition (`from` + `fraction` + `seed`).
 */
export interface CardSplit {
  file?: string;
  dir?: string;
  /** The domain of every row of this split: filled in when rows have none, checked when they have one. */
  domain?: string;
  /** Keep only the first `limit` records of the file (the reference code's `nrows`). */
  limit?: number;
  /** Adapter options for this split only, merged over the card's `options`. */
  options?: Record<string, unknown>;
  from?: string;
  /** [start, end) as fractions of the seeded permutation of `from`, e.g. [0, 0.8]. */
  fraction?: [number, number];
  seed?: number;
  /** Instead of `fraction`: scikit-learn's `train_test_split(test_size, random_state, shuffle=True)`, row for row. */
  trainTestSplit?: CardTrainTestSplit;
  description?: string;
}

export interface CardTrainTestSplit {
  /** A fraction in (0, 1) or a row count, as scikit-learn's test_size. */
  testSize: number;
  randomState: number;
  part: 'train' | 'test';
}

/** A domain. `field` + `values`: the metadata field whose value decides the domain, and its values. */
export interface CardDomain {
  description?: string;
  field?: string;
  values?: string[];
}

export interface CardMetadataField {
  description?: string;
  /** The field decides the domain: using it as a model input would leak the domain label. */
  definesDomain?: boolean;
}

/** A folder given by an environment variable, for data that cannot be bundled (licenses, size). */
export interface CardDataRoot {
  env: string;
  description?: string;
}

/** A task of a card. `labelsFromData`: the adapter reads the label set from the files (e.g. a CSV header). */
export interface CardTask extends TaskSpec {
  labelsFromData?: boolean;
}

export interface DatasetCard {
  name: string;
  description: string;
  version?: string;
  license: string;
  provenance: CardProvenance;
  /** The adapter that reads the files (`jsonl`, `dallmi-csv`, `newsgroups`, `massive`, `table`). */
  format: string;
  /** Adapter options for every split. */
  options: Record<string, unknown>;
  dataRoot?: CardDataRoot;
  splits: Record<string, CardSplit>;
  domains: Record<string, CardDomain>;
  tasks: CardTask[];
  /** Declared metadata fields: carried on rows, never model inputs. */
  metadata: Record<string, CardMetadataField>;
}

/** The keys each object of a card may hold (the JSON Schema beside this library lists the same). */
export const CARD_KEYS = {
  card: ['$schema', 'name', 'description', 'version', 'license', 'provenance', 'format', 'options', 'dataRoot', 'splits', 'domains', 'tasks', 'metadata'],
  provenance: ['source', 'url', 'citation', 'notes'],
  domain: ['description', 'field', 'values'],
  metadata: ['description', 'definesDomain'],
  task: ['name', 'type', 'field', 'labels', 'labelsFromData', 'description'],
  split: ['file', 'dir', 'domain', 'limit', 'options', 'from', 'fraction', 'seed', 'trainTestSplit', 'description'],
  trainTestSplit: ['testSize', 'randomState', 'part'],
  dataRoot: ['env', 'description'],
} as const;

/** Checks a parsed card, naming the card file and the JSON path of the first bad value. */
export function parseDatasetCard(raw: unknown, file: string): DatasetCard {
  const c = new CardChecker(file);
  const root = c.object(raw, '', CARD_KEYS.card);
  const name = c.string(root['name'], 'name');
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) c.fail('name', `dataset name '${name}' must be letters, digits, '.', '_' or '-'`);
  const prov = c.object(root['provenance'], 'provenance', CARD_KEYS.provenance);
  const provenance: CardProvenance = { source: c.string(prov['source'], 'provenance.source') };
  for (const k of ['url', 'citation', 'notes'] as const) if (prov[k] !== undefined) provenance[k] = c.string(prov[k], `provenance.${k}`);

  const domainsRaw = c.object(root['domains'], 'domains');
  const domains: Record<string, CardDomain> = {};
  for (const [d, v] of Object.entries(domainsRaw)) {
    const o = c.object(v, `domains.${d}`, CARD_KEYS.domain);
    const dom: CardDomain = {};
    if (o['description'] !== undefined) dom.description = c.string(o['description'], `domains.${d}.description`);
    if (o['field'] !== undefined) dom.field = c.string(o['field'], `domains.${d}.field`);
    if (o['values'] !== undefined) dom.values = c.stringArray(o['values'], `domains.${d}.values`);
    if ((dom.field === undefined) !== (dom.values === undefined)) c.fail(`domains.${d}`, "'field' and 'values' go together");
    domains[d] = dom;
  }
  if (Object.keys(domains).length === 0) c.fail('domains', 'a dataset needs at least one domain');

  const metadata: Record<string, CardMetadataField> = {};
  if (root['metadata'] !== undefined) {
    for (const [f, v] of Object.entries(c.object(root['metadata'], 'metadata'))) {
      const o = c.object(v, `metadata.${f}`, CARD_KEYS.metadata);
      const m: CardMetadataField = {};
      if (o['description'] !== undefined) m.description = c.string(o['description'], `metadata.${f}.description`);
      if (o['definesDomain'] !== undefined) m.definesDomain = c.boolean(o['definesDomain'], `metadata.${f}.definesDomain`);
      if (RESERVED_FIELDS.includes(f)) c.fail(`metadata.${f}`, `'${f}' is a reserved row field, not metadata`);
      metadata[f] = m;
    }
  }
  for (const [d, dom] of Object.entries(domains)) {
    if (dom.field !== undefined && !(dom.field in metadata)) {
      c.fail(`domains.${d}.field`, `field '${dom.field}' decides the domain, so it must be declared under 'metadata' (with definesDomain: true)`);
    }
  }

  const tasksRaw = c.array(root['tasks'], 'tasks');
  if (tasksRaw.length === 0) c.fail('tasks', 'a dataset needs at least one task');
  const tasks: CardTask[] = tasksRaw.map((t, i) => {
    const p = `tasks[${i}]`;
    const o = c.object(t, p, CARD_KEYS.task);
    const type = c.string(o['type'], `${p}.type`);
    if (!(TASK_TYPES as readonly string[]).includes(type)) {
      c.fail(`${p}.type`, `unknown task type '${type}'${didYouMeanSuffix(type, TASK_TYPES)}; valid: ${TASK_TYPES.join(', ')}`);
    }
    const fromData = o['labelsFromData'] === undefined ? false : c.boolean(o['labelsFromData'], `${p}.labelsFromData`);
    if (fromData && o['labels'] !== undefined) c.fail(`${p}.labels`, "give either 'labels' or 'labelsFromData: true', not both");
    const labels = fromData ? [] : c.stringArray(o['labels'], `${p}.labels`);
    const task: CardTask = { name: c.string(o['name'], `${p}.name`), type: type as TaskType, field: c.string(o['field'], `${p}.field`), labels };
    if (fromData) task.labelsFromData = true;
    else if (task.labels.length === 0) c.fail(`${p}.labels`, 'a task needs at least one label');
    const dup = firstDuplicate(task.labels);
    if (dup !== undefined) c.fail(`${p}.labels`, `label '${dup}' is listed twice`);
    if (['id', 'text', 'domain', 'tokens'].includes(task.field)) c.fail(`${p}.field`, `'${task.field}' is a reserved row field, not a task field`);
    if (o['description'] !== undefined) task.description = c.string(o['description'], `${p}.description`);
    return task;
  });
  const dupTask = firstDuplicate(tasks.map((t) => t.name));
  if (dupTask !== undefined) c.fail('tasks', `task name '${dupTask}' is used twice`);
  const byField = new Map<string, string>();
  for (const t of tasks) {
    const other = byField.get(t.field);
    if (other !== undefined) c.fail('tasks', `tasks '${other}' and '${t.name}' both use field '${t.field}'`);
    byField.set(t.field, t.name);
  }

  const splitsRaw = c.object(root['splits'], 'splits');
  const splits: Record<string, CardSplit> = {};
  for (const [s, v] of Object.entries(splitsRaw)) {
    const p = `splits.${s}`;
    const o = c.object(v, p, CARD_KEYS.split);
    const split: CardSplit = {};
    if (o['file'] !== undefined) split.file = c.string(o['file'], `${p}.file`);
    if (o['dir'] !== undefined) split.dir = c.string(o['dir'], `${p}.dir`);
    if (o['from'] !== undefined) split.from = c.string(o['from'], `${p}.from`);
    const sources = [split.file, split.dir, split.from].filter((x) => x !== undefined).length;
    if (sources !== 1) c.fail(p, "a split needs exactly one of 'file', 'dir' or 'from'");
    if (o['domain'] !== undefined) {
      split.domain = c.string(o['domain'], `${p}.domain`);
      if (!(split.domain in domains)) c.fail(`${p}.domain`, `unknown domain '${split.domain}'${didYouMeanSuffix(split.domain, Object.keys(domains))}; declared: ${Object.keys(domains).join(', ')}`);
    }
    if (o['limit'] !== undefined) split.limit = c.positiveInt(o['limit'], `${p}.limit`);
    if (o['options'] !== undefined) split.options = c.object(o['options'], `${p}.options`);
    if (o['description'] !== undefined) split.description = c.string(o['description'], `${p}.description`);
    if (split.from !== undefined && o['trainTestSplit'] !== undefined) {
      if (o['fraction'] !== undefined || o['seed'] !== undefined) c.fail(p, "give either 'fraction' (and 'seed') or 'trainTestSplit', not both");
      const t = c.object(o['trainTestSplit'], `${p}.trainTestSplit`, CARD_KEYS.trainTestSplit);
      const testSize = c.number(t['testSize'], `${p}.trainTestSplit.testSize`);
      if (!(testSize > 0 && (testSize < 1 || Number.isInteger(testSize)))) c.fail(`${p}.trainTestSplit.testSize`, `expected a fraction in (0, 1) or a positive row count, got ${testSize}`);
      const randomState = c.int(t['randomState'], `${p}.trainTestSplit.randomState`);
      if (randomState < 0 || randomState > 0xffffffff) c.fail(`${p}.trainTestSplit.randomState`, 'expected an integer in [0, 2**32 - 1]');
      const part = c.string(t['part'], `${p}.trainTestSplit.part`);
      if (part !== 'train' && part !== 'test') c.fail(`${p}.trainTestSplit.part`, `expected 'train' or 'test', got '${part}'`);
      split.trainTestSplit = { testSize, randomState, part: part as 'train' | 'test' };
    } else if (split.from !== undefined) {
      const f = c.array(o['fraction'], `${p}.fraction`);
      const [a, b] = f.map((x, i) => c.number(x, `${p}.fraction[${i}]`));
      if (f.length !== 2 || a === undefined || b === undefined || !(a >= 0 && a < b && b <= 1)) c.fail(`${p}.fraction`, 'expected [start, end) with 0 <= start < end <= 1');
      split.fraction = [a as number, b as number];
      split.seed = o['seed'] === undefined ? 0 : c.int(o['seed'], `${p}.seed`);
    } else if (o['fraction'] !== undefined || o['seed'] !== undefined || o['trainTestSplit'] !== undefined) {
      c.fail(p, "'fraction', 'seed' and 'trainTestSplit' are only for a split derived with 'from'");
    }
    splits[s] = split;
  }
  if (Object.keys(splits).length === 0) c.fail('splits', 'a dataset needs at least one split');
  for (const [s, split] of Object.entries(splits)) {
    if (split.from === undefined) continue;
    const parent = splits[split.from];
    if (parent === undefined) c.fail(`splits.${s}.from`, `unknown split '${split.from}'${didYouMeanSuffix(split.from, Object.keys(splits))}`);
    else if (parent.from !== undefined) c.fail(`splits.${s}.from`, `split '${split.from}' is itself derived; derive from a split read from files`);
  }

  const card: DatasetCard = {
    name,
    description: c.string(root['description'], 'description'),
    license: c.string(root['license'], 'license'),
    provenance,
    format: root['format'] === undefined ? 'jsonl' : c.string(root['format'], 'format'),
    options: root['options'] === undefined ? {} : c.object(root['options'], 'options'),
    splits,
    domains,
    tasks,
    metadata,
  };
  if (root['version'] !== undefined) card.version = c.string(root['version'], 'version');
  if (root['dataRoot'] !== undefined) {
    const o = c.object(root['dataRoot'], 'dataRoot', CARD_KEYS.dataRoot);
    card.dataRoot = { env: c.string(o['env'], 'dataRoot.env') };
    if (o['description'] !== undefined) card.dataRoot.description = c.string(o['description'], 'dataRoot.description');
  }
  return card;
}

/** Reads and checks `<dir>/dataset.json` (or the card file itself). */
export function readDatasetCard(file: string): DatasetCard {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorkbenchError('DATASET_NOT_FOUND', `cannot read dataset card: ${(e as Error).message}`, { where: { file }, cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('DATASET_INVALID', `dataset card is not valid JSON: ${(e as Error).message}`, { where: { file, ...jsonErrorLine(text, e as Error) }, cause: e });
  }
  return parseDatasetCard(raw, file);
}

/** The line and column of a JSON.parse error, when the engine reports a position. */
export function jsonErrorLine(text: string, e: Error): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return {};
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

/** Row fields with a fixed meaning in every dataset. */
export const RESERVED_FIELDS = ['id', 'text', 'domain', 'tokens'];

function firstDuplicate(items: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const x of items) {
    if (seen.has(x)) return x;
    seen.add(x);
  }
  return undefined;
}

/** Type checks that name the card file and JSON path. */
class CardChecker {
  constructor(private readonly file: string) {}

  fail(path: string, message: string): never {
    throw new WorkbenchError('DATASET_INVALID', `invalid dataset card: ${message}`, { where: { file: this.file, path: path || undefined } });
  }

  object(v: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
    if (!isPlainObject(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    if (allowed) {
      for (const k of Object.keys(v)) {
        if (!allowed.includes(k)) this.fail(path ? `${path}.${k}` : k, `unknown key '${k}'${didYouMeanSuffix(k, allowed)}`);
      }
    }
    return v;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v === '') this.fail(path, `expected a non-empty string, got ${describe(v)}`);
    return v;
  }

  stringArray(v: unknown, path: string): string[] {
    return this.array(v, path).map((x, i) => this.string(x, `${path}[${i}]`));
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${describe(v)}`);
    return v;
  }

  number(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a number, got ${describe(v)}`);
    return v;
  }

  int(v: unknown, path: string): number {
    const n = this.number(v, path);
    if (!Number.isInteger(n)) this.fail(path, `expected an integer, got ${n}`);
    return n;
  }

  positiveInt(v: unknown, path: string): number {
    const n = this.int(v, path);
    if (n <= 0) this.fail(path, `expected a positive integer, got ${n}`);
    return n;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 37)}...` : s}`;
}
