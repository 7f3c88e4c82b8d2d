import { WorkbenchError } from '@workbench/core';
import { Gpt2Decoder, TransformerEncoder, resolveDecoderConfig, resolveTransformerConfig, type Encoder } from '@workbench/model';
import { trainWordPiece, type Tokenizer } from '@workbench/text';
import type { TokenIds } from '../token-batch.ts';
import type { MultitaskBackboneConfig } from './multitask-config.ts';

/** A split turned into token ids; with word alignment when a task tags words. */
export interface EncodedSplit {
  ids: TokenIds[];
  /** Per row: the token index of the first sub-token of each word, -1 for words truncated away. */
  wordStarts?: Int32Array[];
}

/** What the multi-task methods need of a backbone family: one tokenizer, fresh encoders, and what to log. */
export interface MultitaskBackbone {
  describe: Record<string, string | number>;
  padId: number;
  tokenizer: Tokenizer;
  encode(texts: readonly string[], words?: readonly string[][]): EncodedSplit;
  createEncoder(seed: number): Encoder;
}

/**
 * A WordPiece vocabulary trained on the training texts only (never the test split), shared by the encoder and
 * the decoder family so the two differ in architecture alone; architectures from the shared size presets.
 */
export function createMultitaskBackbone(b: MultitaskBackboneConfig, trainTexts: readonly string[]): MultitaskBackbone {
  const tokenizer = trainWordPiece(trainTexts, { vocabSize: b.vocabSize, lowercase: true }).tokenizer;
  const common = { ...b.overrides, vocabSize: tokenizer.vocabSize, padTokenId: tokenizer.padId };
  let createEncoder: (seed: number) => Encoder;
  let describe: Record<string, string | number>;
  if (b.kind === 'encoder') {
    const config = resolveTransformerConfig(b.size, { ...common, modelType: 'bert', maxPositions: Math.max(b.maxLength, 2) }, { path: 'backbone' });
    createEncoder = (seed) => new TransformerEncoder({ ...config, seed });
    describe = { kind: 'encoder', family: 'bert', size: b.size, layers: config.numLayers, hidden: config.hiddenSize, heads: config.numHeads };
  } else if (b.kind === 'decoder') {
    const config = resolveDecoderConfig(b.size, { ...common, maxPositions: Math.max(b.maxLength, 2) }, { path: 'backbone' });
    createEncoder = (seed) => new Gpt2Decoder({ ...config, seed });
    describe = { kind: 'decoder', family: 'gpt2', size: b.size, layers: config.numLayers, hidden: config.hiddenSize, heads: config.numHeads };
  } else {
    throw new WorkbenchError('CONFIG_INVALID', `backbone.kind must be 'encoder' or 'decoder', got '${String(b.kind)}'`, { where: { path: 'backbone.kind' } });
  }
  Object.assign(describe, { tokenizer: 'wordpiece', vocabSize: tokenizer.vocabSize, maxLength: b.maxLength });
  return {
    describe,
    padId: tokenizer.padId,
    tokenizer,
    createEncoder,
    encode(texts, words) {
      if (!words) return { ids: texts.map((t) => Int32Array.from(tokenizer.encode(t, { maxLength: b.maxLength, truncation: true }).inputIds)) };
      if (!tokenizer.encodeWords) throw new WorkbenchError('CONFIG_INVALID', 'this tokenizer cannot align tokens with words (no encodeWords)');
      const ids: TokenIds[] = [];
      const wordStarts: Int32Array[] = [];
      for (const w of words) {
        const enc = tokenizer.encodeWords(w, { maxLength: b.maxLength, truncation: true });
        ids.push(Int32Array.from(enc.inputIds));
        const starts = new Int32Array(w.length).fill(-1);
        // Labels go on the first sub-token of each word only (the MASSIVE / BERT-NER convention).
        enc.wordIds.forEach((word, k) => {
          if (word !== null && starts[word] === -1) starts[word] = k;
        });
        wordStarts.push(starts);
      }
      return { ids, wordStarts };
    },
  };
}
