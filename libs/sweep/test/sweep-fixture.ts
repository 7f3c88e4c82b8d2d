import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticCorpus, writeDataset } from '@workbench/data';
import { openStore, type Run } from '@workbench/tracking';

/** A temp folder with a small synthetic DALLMi dataset, a SQLite store URI and a stage cache. */
export function sweepFixture(prefix: string): { dir: string; dataset: string; uri: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataset = join(dir, 'synthetic');
  writeDataset(generateSyntheticCorpus({ seed: 1, labels: 4, sourceRows: 80, targetTrainRows: 50, targetTestRows: 40 }), dataset);
  return { dir, dataset, uri: `sqlite:///${join(dir, 'mlflow.db')}`, cacheDir: join(dir, 'cache') };
}

/** The base of a sweep that trains in seconds: bag-of-n-grams, few buckets, 1-2 epochs. */
export function fastBase(dataset: string): string {
  return [
    'preset: ngram',
    'base:',
    `  dataset: ${JSON.stringify(dataset)}`,
    '  task: labels',
    '  backbone: {overrides: {buckets: 2048, dim: 16}}',
    '  source: {epochs: 2, batchSize: 16}',
    '  target: {epochs: 1, batchSize: 16}',
    '  eval: {validationFraction: 0.2}',
  ].join('\n');
}

export function writeSpec(dir: string, name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${text}\n`);
  return file;
}

/** Every run of an experiment, read back from the store. */
export async function runsOf(uri: string, experiment: string): Promise<Run[]> {
  const store = await openStore({ uri, readOnly: true });
  try {
    const exp = await store.getExperimentByName(experiment);
    if (!exp) return [];
    const out: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.searchRuns({ experimentIds: [exp.experimentId], pageToken });
      out.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  } finally {
    await store.close();
  }
}

export function metricsOf(run: Run): Record<string, number> {
  return Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
}
