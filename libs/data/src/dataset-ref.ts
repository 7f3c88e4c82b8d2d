import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError, didYouMeanSuffix } from '@workbench/core';
import { CARD_FILE } from './dataset-card.ts';

/** Where to look for datasets referenced by name. */
export interface DatasetRefOptions {
  /** The folder holding `<name>/dataset.json` folders; default: WORKBENCH_DATASETS, else `<workspace>/datasets`. */
  datasetsDir?: string;
  /** Environment (default `process.env`): WORKBENCH_DATASETS and the cards' data-root variables. */
  env?: Record<string, string | undefined>;
  /** Where relative paths and the workspace search start (default `process.cwd()`). */
  cwd?: string;
}

export interface DatasetLocation {
  /** The card's folder. */
  dir: string;
  cardFile: string;
  /** How the reference was resolved, for messages and `datasets show`. */
  resolvedBy: 'path' | 'name';
}

/** The nearest folder at or above `start` holding nx.json (the workspace root), if any. */
export function findWorkspaceRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The datasets folder and why it was chosen. */
export function datasetsDirectory(options: DatasetRefOptions = {}): { dir: string; source: string } {
  const env = options.env ?? process.env;
  if (options.datasetsDir !== undefined) return { dir: path.resolve(options.cwd ?? process.cwd(), options.datasetsDir), source: 'option' };
  const fromEnv = env['WORKBENCH_DATASETS'];
  if (fromEnv) return { dir: path.resolve(options.cwd ?? process.cwd(), fromEnv), source: 'WORKBENCH_DATASETS' };
  // The workspace of the current folder first; else the one this library lives in (a run started elsewhere).
  const root = findWorkspaceRoot(options.cwd ?? process.cwd()) ?? findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (root === undefined) {
    throw new WorkbenchError('DATASET_NOT_FOUND', 'cannot find the datasets folder: no nx.json above the current folder', {
      where: { source: 'WORKBENCH_DATASETS' },
      hint: 'set WORKBENCH_DATASETS to the folder holding <name>/dataset.json, or pass a dataset folder path',
    });
  }
  return { dir: path.join(root, 'datasets'), source: 'workspace' };
}

function looksLikePath(ref: string): boolean {
  return path.isAbsolute(ref) || ref.startsWith('.') || ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}

/** The names of the datasets (folders with a card) in the datasets folder, sorted. */
export function datasetNames(options: DatasetRefOptions = {}): string[] {
  const { dir } = datasetsDirectory(options);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, CARD_FILE)))
    .map((e) => e.name)
    .sort();
}

/**
 * Resolves a dataset reference: a name (`debtags-dev` -> `<datasets>/debtags-dev`), or the path of a folder
 * holding a card, or of the card itself.
 */
export function resolveDatasetRef(ref: string, options: DatasetRefOptions = {}): DatasetLocation {
  const cwd = options.cwd ?? process.cwd();
  if (ref.trim() === '') throw new WorkbenchError('DATASET_NOT_FOUND', 'empty dataset reference');
  if (looksLikePath(ref)) {
    const p = path.resolve(cwd, ref);
    const cardFile = existsSync(p) && statSync(p).isFile() ? p : path.join(p, CARD_FILE);
    if (!existsSync(cardFile)) {
      throw new WorkbenchError('DATASET_NOT_FOUND', existsSync(p) ? `no ${CARD_FILE} in dataset folder '${ref}'` : `dataset folder '${ref}' does not exist`, {
        where: { file: cardFile },
        hint: `a dataset folder holds a card ${CARD_FILE} and its split files`,
      });
    }
    return { dir: path.dirname(cardFile), cardFile, resolvedBy: 'path' };
  }
  const { dir, source } = datasetsDirectory(options);
  const cardFile = path.join(dir, ref, CARD_FILE);
  if (existsSync(cardFile)) return { dir: path.dirname(cardFile), cardFile, resolvedBy: 'name' };
  const names = datasetNames(options);
  throw new WorkbenchError('DATASET_NOT_FOUND', `unknown dataset '${ref}'${didYouMeanSuffix(ref, names)}; available in ${dir}: ${names.join(', ') || '(none)'}`, {
    where: { source: source === 'workspace' ? `${dir}` : source },
    hint: 'give a dataset name from that folder or the path of a folder holding dataset.json (e.g. ./my-data)',
    details: { valid: names },
  });
}
