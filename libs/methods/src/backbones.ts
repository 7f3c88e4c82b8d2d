import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, WorkbenchError, type Rng } from '@workbench/core';
import {
  HashingWordTokenizer,
  MultiLabelHead,
  NgramEncoder,
  TransformerEncoder,
  entryToFloat32,
  inverseDocumentFrequency,
  loadHfModel,
  parseSafetensors,
  resolveTransformerConfig,
  serializeSafetensors,
  type Encoder,
} from '@workbench/model';
import { loadTokenizer, trainWordPiece, type Tokenizer } from '@workbench/text';
import type { CellConfig } from './cell-config.ts';
import { MultiLabelClassifier } from './classifier.ts';
import { SEQUENCE_POOLINGS } from './multitask/sequence-pooling.ts';
import type { TokenIds } from './token-batch.ts';

/** What a method needs of its backbone: tokenization, fresh models, and weight files for the stage cache. */
export interface Backbone {
  /** Resolved settings worth logging (vocabulary size, layers...). */
  describe: Record<string, string | number>;
  /** Ids of each text, truncated to backbone.maxLength (special tokens included). */
  tokenize(texts: readonly string[]): TokenIds[];
  createModel(numLabels: number, seed: number): MultiLabelClassifier;
  /** For masked-LM pre-training (transformers only). */
  vocabulary?: { vocabSize: number; maskId: number; padId: number; specialIds: ReadonlySet<number> };
  save(model: MultiLabelClassifier, dir: string): Promise<void>;
  load(model: MultiLabelClassifier, dir: string): Promise<void>;
}

/**
 * Builds a backbone from a cell's config and the texts a vocabulary may be built from (source + target train,
 * never target test).
 */
export type BackboneFactory = (config: CellConfig, trainTexts: readonly string[], rng: Rng) => Promise<Backbone>;

const WEIGHTS_FILE = 'weights.safetensors';

/** Weight files of the stage cache: every dense and sparse parameter, float32, by name. */
async function saveWeights(model: MultiLabelClassifier, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const inputs = [...model.snapshot()].map(([name, w]) => ({ name, dtype: 'F32' as const, shape: w.shape, bytes: new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) }));
  writeFileSync(join(dir, WEIGHTS_FILE), serializeSafetensors(inputs, { format: 'pt', producer: 'workbench' }));
}

async function loadWeights(model: MultiLabelClassifier, dir: string): Promise<void> {
  const file = join(dir, WEIGHTS_FILE);
  const parsed = parseSafetensors(new Uint8Array(readFileSync(file)), file);
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [name, entry] of parsed.tensors) weights.set(name, { shape: entry.shape, values: entryToFloat32(entry, name, file) });
  model.restore(weights);
}

function truncateIds(ids: readonly number[], maxLength: number): TokenIds {
  return Int32Array.from(ids.slice(0, maxLength));
}

const ngramBackbone: BackboneFactory = async (config, trainTexts) => {
  const b = config.backbone;
  if (b.checkpoint !== null) throw new WorkbenchError('CONFIG_INVALID', 'the ngram backbone has no checkpoints; set backbone.checkpoint to null', { where: { path: 'backbone.checkpoint' } });
  const tokenizer = new HashingWordTokenizer({ maxLength: b.maxLength });
  // Pooling 'tfidf' weighs words by IDFs of the texts a vocabulary may see (source + target train), as the
  // WordPiece vocabulary of a transformer built from scratch.
  const idf = (b.overrides as { pooling?: unknown }).pooling === 'tfidf' ? inverseDocumentFrequency(trainTexts.map((t) => tokenizer.encode(t)), tokenizer.vocabSize, tokenizer.firstWordId) : undefined;
  if (b.pooling !== 'native') throw new WorkbenchError('CONFIG_INVALID', `the ngram backbone pools with its own masked mean (or backbone.overrides.pooling); backbone.pooling must be 'native', got '${b.pooling}'`, { where: { path: 'backbone.pooling' } });
  const describe = { kind: 'ngram', vocabSize: tokenizer.vocabSize, maxLength: b.maxLength };
  return {
    describe,
    tokenize: (texts) => texts.map((t) => Int32Array.from(tokenizer.encode(t))),
    createModel: (numLabels, seed) => {
      const encoder = new NgramEncoder({ ...(b.overrides as object), vocabSize: tokenizer.vocabSize, seed }, idf);
      return new MultiLabelClassifier(encoder, new MultiLabelHead({ inputSize: encoder.hiddenSize, numLabels, seed: seed + 1 }), tokenizer.padId);
    },
    save: saveWeights,
    load: loadWeights,
  };
};

function transformerBackbone(modelType: 'bert' | 'roberta'): BackboneFactory {
  return async (config, trainTexts) => {
    const b = config.backbone;
    let tokenizer: Tokenizer;
    let encoderFactory: (seed: number) => Encoder;
    let describe: Record<string, string | number>;
    if (b.checkpoint !== null) {
      const loaded = await loadHfModel(b.checkpoint);
      tokenizer = await loadTokenizer(b.checkpoint);
      const cfg = loaded.encoder.config;
      // Every model of the cell starts from the checkpoint's weights (kept alive for the backbone's lifetime).
      const weights = loaded.encoder.variables();
      encoderFactory = () => new TransformerEncoder(cfg, weights);
      describe = { kind: modelType, checkpoint: b.checkpoint, vocabSize: cfg.vocabSize, layers: cfg.numLayers, hidden: cfg.hiddenSize, maxLength: b.maxLength };
    } else {
      if (modelType !== 'bert') throw new WorkbenchError('CONFIG_INVALID', `a ${modelType} backbone from scratch is not supported: give backbone.checkpoint or use kind 'bert'`, { where: { path: 'backbone.kind' } });
      tokenizer = trainWordPiece(trainTexts, { vocabSize: b.vocabSize, lowercase: true }).tokenizer;
      const base = resolveTransformerConfig(b.size, { ...(b.overrides as object), modelType, vocabSize: tokenizer.vocabSize, maxPositions: Math.max(b.maxLength, 2) }, { path: 'backbone' });
      encoderFactory = (seed) => new TransformerEncoder({ ...base, seed });
      describe = { kind: modelType, size: b.size, vocabSize: tokenizer.vocabSize, layers: base.numLayers, hidden: base.hiddenSize, heads: base.numHeads, maxLength: b.maxLength };
    }
    const pooling = b.pooling === 'native' ? undefined : SEQUENCE_POOLINGS.get(b.pooling, { path: 'backbone.pooling' });
    return {
      describe: { ...describe, pooling: b.pooling },
      tokenize: (texts) => texts.map((t) => truncateIds(tokenizer.encode(t, { maxLength: b.maxLength, truncation: true }).inputIds, b.maxLength)),
      createModel: (numLabels, seed) => {
        const encoder = encoderFactory(seed);
        return new MultiLabelClassifier(encoder, new MultiLabelHead({ inputSize: encoder.hiddenSize, numLabels, seed: seed + 1 }), tokenizer.padId, pooling);
      },
      vocabulary: { vocabSize: tokenizer.vocabSize, maskId: tokenizer.maskId, padId: tokenizer.padId, specialIds: tokenizer.specialIds },
      save: saveWeights,
      load: loadWeights,
    };
  };
}

/** Every backbone by name: one line each. */
export const BACKBONES = new Registry<BackboneFactory>('backbone')
  .register('ngram', ngramBackbone)
  .register('bert', transformerBackbone('bert'))
  .register('roberta', transformerBackbone('roberta'));
