import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_FILE, type DatasetCard } from './dataset-card.ts';
import type { LoadedDataset } from './load-dataset.ts';

/**
 * Writes a dataset in the canonical format: one `<split>.jsonl` per split and a card pointing at them.
 * Turns any loaded or generated dataset (e.g. a synthetic corpus) into a folder every command can read.
 */
export function writeDataset(dataset: LoadedDataset, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const splits: DatasetCard['splits'] = {};
  for (const name of dataset.splitNames) {
    const split = dataset.splits[name];
    const spec = dataset.card.splits[name] ?? {};
    if (!split) continue;
    // A derived split stays derived (same parent rows, same partition): writing its rows again would
    // duplicate the parent's ids.
    if (spec.from !== undefined && dataset.splitNames.includes(spec.from)) {
      const { file: _f, dir: _d, limit: _l, options: _o, ...derived } = spec;
      splits[name] = derived;
      continue;
    }
    const file = `${name}.jsonl`;
    writeFileSync(join(dir, file), split.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const { file: _f, dir: _d, from: _from, fraction: _fr, seed: _s, trainTestSplit: _t, limit: _l, options: _o, ...rest } = spec;
    splits[name] = { ...rest, file };
  }
  // Labels read from the data are written out: the new card lists them.
  const tasks = dataset.card.tasks.map(({ labelsFromData: _lfd, ...t }) => t);
  const card: DatasetCard = { ...dataset.card, format: 'jsonl', options: {}, splits, tasks };
  delete card.dataRoot;
  const cardFile = join(dir, CARD_FILE);
  writeFileSync(cardFile, `${JSON.stringify(card, null, 2)}\n`);
  return cardFile;
}
