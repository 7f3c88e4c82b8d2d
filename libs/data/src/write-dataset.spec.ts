import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from './load-dataset.ts';
import { generateSyntheticCorpus } from './synthetic-corpus.ts';
import { writeDataset } from './write-dataset.ts';

describe('writeDataset', () => {
  it('writes a folder that loads back to the same rows, tasks and domains', async () => {
    const corpus = generateSyntheticCorpus({ seed: 3, labels: 4, sourceRows: 30, targetTrainRows: 20, targetTestRows: 10 });
    const dir = join(mkdtempSync(join(tmpdir(), 'write-dataset-')), 'synthetic');
    writeDataset(corpus, dir);
    const back = await loadDataset(dir);
    expect(back.splitNames).toEqual(corpus.splitNames);
    for (const s of corpus.splitNames) expect(back.splits[s]?.rows).toEqual(corpus.splits[s]?.rows);
    expect(back.tasks).toEqual(corpus.tasks);
    expect(Object.keys(back.domains)).toEqual(Object.keys(corpus.domains));
  });

  it('turns an adapter-read dataset with derived splits and header labels into canonical JSONL', async () => {
    const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    const env = { DALLMI_DATA: join(repo, 'libs/data/test/fixtures/dallmi') };
    const movies = await loadDataset('dallmi-movies', { cwd: repo, env });
    const dir = join(mkdtempSync(join(tmpdir(), 'write-dataset-')), 'movies');
    writeDataset(movies, dir);
    const back = await loadDataset(dir);
    expect(back.card.format).toBe('jsonl');
    expect(back.tasks[0]?.labels).toEqual(['Action', 'Comedy', 'Drama']);
    for (const s of movies.splitNames) expect(back.splits[s]?.rows.map((r) => r.id)).toEqual(movies.splits[s]?.rows.map((r) => r.id));
  });
});
