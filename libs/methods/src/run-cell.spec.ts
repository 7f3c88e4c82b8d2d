import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge, MemoryRunLogger, WorkbenchError } from '@workbench/core';
import { withSparseTape } from '@workbench/model';
import { tf, useBackend } from '@workbench/tensor';
import { SECRET, writeTinyDataset } from '../test/tiny-dataset.ts';
import { BACKBONES } from './backbones.ts';
import type { CellData } from './cell-data.ts';
import { METHODS, type DallmiMethod } from './method-registry.ts';
import { resolveCellConfig } from './resolve-cell-config.ts';
import { runCell } from './run-cell.ts';

const DATASET = writeTinyDataset();

function config(method: string, extra: Record<string, unknown> = {}) {
  return resolveCellConfig(
    deepMerge({
      dataset: DATASET,
      method,
      seed: 0,
      scenario: { name: 'keep50' },
      backbone: { overrides: { buckets: 4096, dim: 16 } },
      source: { epochs: 4, batchSize: 16, lr: 0.05 },
      target: { epochs: 2, batchSize: 16, lr: 0.01 },
      unsupervised: { epochs: 1, batchSize: 16 },
      dann: { epochs: 1, batchSize: 16 },
      eval: { validationFraction: 0.2 },
    }, extra),
    { preset: 'ngram' },
  );
}

const cacheDir = (): string => mkdtempSync(join(tmpdir(), 'stage-cache-'));

// Test-only spies, registered once: they record what the runner hands to a method and to a backbone.
const seen: Record<string, CellData> = {};
function spy(name: string, targetLabels: DallmiMethod['targetLabels']): void {
  if (METHODS.has(name)) return;
  METHODS.register(name, {
    name,
    description: 'records its data',
    dependsOn: ['dataset', 'seed'],
    targetLabels,
    startsFrom: 'scratch',
    async train(ctx) {
      seen[name] = ctx.data;
    },
  });
}
const tokenized: string[] = [];
const vocabTexts: string[] = [];
if (!BACKBONES.has('spy-ngram')) {
  BACKBONES.register('spy-ngram', async (cfg, trainTexts, rng) => {
    vocabTexts.push(...trainTexts);
    const inner = await BACKBONES.get('ngram')(cfg, trainTexts, rng);
    return { ...inner, tokenize: (texts) => (tokenized.push(...texts), inner.tokenize(texts)) };
  });
}

beforeAll(async () => {
  await useBackend('wasm');
  // The sparse-gradient tape creates its anchor variable once per process: create it before counting tensors.
  withSparseTape(() => undefined);
});

describe('runCell', () => {
  it.each(METHODS.names().filter((n) => !n.startsWith('spy')))('runs %s end to end and logs metrics, per-label AP and predictions', async (method) => {
    const before = tf.memory().numTensors;
    const logger = new MemoryRunLogger();
    const r = await runCell({ config: config(method), logger, cacheDir: cacheDir() });
    expect(r.metrics.mapMacro).toBeGreaterThan(0);
    expect(r.metrics.mapMacro).toBeLessThanOrEqual(1);
    expect(logger.latest()['map_macro']).toBe(r.metrics.mapMacro);
    expect(logger.history('target.test.map_macro').length + (method === 'source-only' ? 1 : 0)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(logger.artifactText('metrics/per_label.json'))).toHaveLength(3);
    const predictions = logger.artifactText('predictions/target_test.jsonl').trim().split('\n');
    expect(JSON.parse(predictions[0]!)).toEqual({ labels: ['alpha', 'beta', 'gamma'] });
    expect(predictions).toHaveLength(1 + 45);
    expect(logger.inputs[0]?.name).toBe('tiny');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns: source-only beats chance on the tiny dataset, and stage 1 is trained once per key', async () => {
    const dir = cacheDir();
    const a = await runCell({ config: config('source-only'), logger: new MemoryRunLogger(), cacheDir: dir });
    const b = await runCell({ config: config('partial-supervised', { scenario: { name: 'keep10' } }), logger: new MemoryRunLogger(), cacheDir: dir });
    expect(a.stage1?.reused).toBe(false);
    expect(b.stage1?.reused).toBe(true);
    expect(b.stage1?.key).toBe(a.stage1?.key);
    expect(a.metrics.mapMacro).toBeGreaterThan(0.7);
  });

  it('the same seed on the same backend gives identical metrics', async () => {
    const a = await runCell({ config: config('dallmi'), logger: new MemoryRunLogger(), cacheDir: cacheDir() });
    const b = await runCell({ config: config('dallmi'), logger: new MemoryRunLogger(), cacheDir: cacheDir() });
    expect(b.record).toEqual(a.record);
  });
});

describe('guards', () => {
  it('metadata fields, ids and domains never reach a model; vocabularies never see target test', async () => {
    tokenized.length = 0;
    vocabTexts.length = 0;
    await runCell({ config: config('source-only', { backbone: { kind: 'spy-ngram' } }), logger: new MemoryRunLogger(), cacheDir: cacheDir() });
    expect(tokenized.length).toBeGreaterThan(0);
    expect(tokenized.some((t) => t.includes(SECRET) || /target_test-|source-\d/.test(t))).toBe(false);
    const { readFileSync } = await import('node:fs');
    const testTexts = new Set(readFileSync(join(DATASET, 'target_test.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text));
    const trainTexts = new Set(['source', 'target_train'].flatMap((s) => readFileSync(join(DATASET, `${s}.jsonl`), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text)));
    expect(vocabTexts.filter((t) => testTexts.has(t) && !trainTexts.has(t))).toEqual([]);
    expect(vocabTexts.length).toBe(90 + 60);
    expect(tokenized.filter((t) => trainTexts.has(t)).length).toBeGreaterThan(0);
  });

  it('hidden labels never reach a method that sees observed labels; none reach a label-free method', async () => {
    spy('spy-observed', 'observed');
    spy('spy-none', 'none');
    spy('spy-full', 'full');
    for (const m of ['spy-observed', 'spy-none', 'spy-full']) await runCell({ config: config(m, { scenario: { name: 'keep10' } }), logger: new MemoryRunLogger(), cacheDir: cacheDir() });
    const positives = (d: CellData): number => d.targetTrain.labels!.data.reduce((a, b) => a + b, 0);
    expect(positives(seen['spy-observed']!)).toBeLessThan(positives(seen['spy-full']!) * 0.3);
    expect(seen['spy-none']!.targetTrain.labels).toBeUndefined();
    expect(seen['spy-none']!.targetValidation.labels).toBeUndefined();
    for (const d of Object.values(seen)) expect(d.targetTest.labels).toBeUndefined();
  });

  it('a NaN loss stops the run with TRAINING_DIVERGED naming the step', async () => {
    const cfg = config('partial-supervised', { target: { epochs: 1, batchSize: 16, lr: 1e30 }, source: { epochs: 1, batchSize: 16, lr: 1e30, clipNorm: 0 } });
    const err = await runCell({ config: cfg, logger: new MemoryRunLogger(), cacheDir: cacheDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('TRAINING_DIVERGED');
    expect((err as WorkbenchError).message).toMatch(/step \d+/);
  });
});
