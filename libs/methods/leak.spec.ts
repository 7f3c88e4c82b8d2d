import { MemoryRunLogger } from '@workbench/core';
import { tf, useBackend } from '@workbench/tensor';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyDataset } from './test/tiny-dataset.ts';
import { resolveCellConfig } from './src/resolve-cell-config.ts';
import { BACKBONES } from './src/backbones.ts';
import { runCell } from './src/run-cell.ts';

it('leak', async () => {
  await useBackend('wasm');
  const DATASET = writeTinyDataset();
  const cfg = resolveCellConfig({ dataset: DATASET, method: 'source-only', backbone: { overrides: { buckets: 4096, dim: 16 } }, source: { epochs: 1, batchSize: 16 } }, { preset: 'ngram' });
  const b = await BACKBONES.get('ngram')(cfg, ['a b'], null as any);
  let n = tf.memory().numTensors;
  const m = b.createModel(3, 1); console.log('create', tf.memory().numTensors - n); m.dispose(); console.log('after dispose', tf.memory().numTensors - n);
  n = tf.memory().numTensors;
  await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: mkdtempSync(join(tmpdir(), 'x')) });
  console.log('run1', tf.memory().numTensors - n);
  n = tf.memory().numTensors;
  await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: mkdtempSync(join(tmpdir(), 'x')) });
  console.log('run2', tf.memory().numTensors - n);
});
