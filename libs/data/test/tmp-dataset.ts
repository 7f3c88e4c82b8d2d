import { WorkbenchError } from '@workbench/core';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A minimal valid card: one multi-label task over labels a, b, c; domains src and tgt. */
export function baseCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    description: 'a tiny test dataset',
    license: 'CC0-1.0',
    provenance: { source: 'hand-made for tests' },
    splits: { train: { file: 'train.jsonl', domain: 'src' }, test: { file: 'test.jsonl', domain: 'tgt' } },
    domains: { src: {}, tgt: {} },
    tasks: [{ name: 'tags', type: 'multi-label', field: 'labels', labels: ['a', 'b', 'c'] }],
    ...overrides,
  };
}

/** Writes a dataset folder in a fresh temporary directory; files maps names to contents. */
export function writeDataset(card: unknown, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wb-data-'));
  writeFileSync(path.join(dir, 'dataset.json'), typeof card === 'string' ? card : JSON.stringify(card, null, 2));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export const jsonl = (...rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

/** The WorkbenchError `fn` throws (fails the test if it throws nothing or something else). */
export function caught(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WorkbenchError) return e;
    throw e;
  }
  throw new Error('expected a WorkbenchError');
}
