import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryRunLogger } from '@workbench/core';
import { writeDataset } from '@workbench/data';
import { tf, useBackend } from '@workbench/tensor';
import { loadManifestModel, type ModelsManifest } from './model-artifacts.ts';
import { resolveMultitaskConfig } from './multitask-config.ts';
import { fakeDataset, massiveRows } from './multitask-fixtures.test-helper.ts';
import { runMultitaskCell } from './run-multitask-cell.ts';
import { servingLatency } from './serving-latency.ts';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'multitask-'));
  const { train, test } = massiveRows();
  writeDataset(fakeDataset({ train, test }), join(dir, 'massive-mini'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (method: string, kind: string) =>
  resolveMultitaskConfig({
    method,
    dataset: 'massive-mini',
    testSplit: 'test',
    // Six training rows: no hold-out (the hold-out has its own tests).
    validationFraction: 0,
    tasks: [{ name: 'intent' }, { name: 'slots', weight: 4 }, { name: 'topics' }],
    backbone: { kind, vocabSize: 120, maxLength: 24, overrides: { numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32 } },
    optim: { epochs: 2, batchSize: 4, lr: 0.01 },
  });

describe('runMultitaskCell', () => {
  it('single-task: one model per task; multi-task: one model; per-task metrics, models and bench inputs logged; latency from the artifacts', async () => {
    const single = new MemoryRunLogger();
    const s = await runMultitaskCell({ config: config('single-task', 'encoder'), logger: single, datasetsDir: dir });
    // Counted after a first run: tfjs keeps one tensor of its own on first use of a kernel path.
    const before = tf.memory().numTensors;
    const multi = new MemoryRunLogger();
    const m = await runMultitaskCell({ config: config('multi-task', 'decoder'), logger: multi, datasetsDir: dir });
    expect([s.models, m.models]).toEqual([3, 1]);
    for (const r of [s, m]) {
      expect(Object.keys(r.record).sort()).toEqual(
        ['intent.accuracy', 'intent.f1_macro', 'intent.rows', 'slots.rows', 'slots.span_f1', 'slots.span_precision', 'slots.span_recall', 'slots.word_accuracy', 'topics.f1_macro', 'topics.map_macro', 'topics.map_micro', 'topics.rows'].map((k) => `test.${k}`),
      );
      expect(r.record['test.intent.rows']).toBe(3);
    }
    // Three backbones cost about three times the parameters of one.
    expect(s.parameters).toBeGreaterThan(2.5 * m.parameters);
    expect(single.tags.get('workbench.method')).toBe('single-task');
    expect(multi.params.get('backbone.resolved.family')).toBe('gpt2');
    expect(single.metrics.some((x) => x.key === 'train.slots.train_loss')).toBe(true);

    const manifest = JSON.parse(new TextDecoder().decode(multi.artifacts.get('models/manifest.json'))) as ModelsManifest;
    expect(manifest.models.map((x) => x.tasks.map((t) => t.name))).toEqual([['intent', 'slots', 'topics']]);
    const inputs = (JSON.parse(new TextDecoder().decode(multi.artifacts.get('bench/inputs.json'))) as number[][]).map((r) => Int32Array.from(r));
    const model = loadManifestModel(manifest, 0, multi.artifacts.get('models/0.safetensors') as Uint8Array, 'models/0.safetensors');
    expect(model.parameterCount()).toBe(m.parameters);
    // The reloaded model predicts what the run logged.
    const logged = new TextDecoder().decode(multi.artifacts.get('predictions/topics.jsonl')).trim().split('\n').map((l) => JSON.parse(l).scores as number[]);
    const again = model.predict(inputs, ['topics']).get('topics') as Float32Array;
    logged.forEach((row, i) => row.forEach((x, j) => expect(again[i * 4 + j]).toBeCloseTo(x, 5)));
    const latency = servingLatency([model], inputs, { batchSizes: [1, 4], warmup: 1, requests: 3 });
    expect(latency.perBatch.map((p) => p.batchSize)).toEqual([1, 4]);
    expect(latency.perBatch.every((p) => p.p50Ms > 0 && p.p95Ms >= p.p50Ms)).toBe(true);
    expect(latency).toMatchObject({ models: 1, tasks: 3, parameters: m.parameters, weightBytes: 4 * m.parameters });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad input before training starts', async () => {
    const logger = new MemoryRunLogger();
    await expect(runMultitaskCell({ config: { ...config('multi-task', 'encoder'), tasks: [{ name: 'intent', weight: 1 }, { name: 'intent', weight: 1 }] }, logger, datasetsDir: dir })).rejects.toThrow(/two tasks are named 'intent'/);
    await expect(runMultitaskCell({ config: { ...config('multi-task', 'encoder'), method: 'multi-tsak' }, logger, datasetsDir: dir })).rejects.toThrow(/multi-task/);
    expect(logger.metrics).toEqual([]);
  });
});
