import { canonicalJson, sha256Hex } from '@workbench/core';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import type { PretrainedTokenizer } from './pretrained-tokenizer.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/** What identifies a tokenizer in a run record: flat, loggable as MLflow params. */
export interface TokenizerDescription {
  kind: 'wordpiece' | 'byte-bpe';
  vocabSize: number;
  /** SHA-256 of everything that decides the token ids: vocabulary, merges, special tokens, text options. */
  fingerprint: string;
  modelMaxLength: number | null;
  doLowerCase?: boolean;
  stripAccents?: boolean | null;
  addPrefixSpace?: boolean;
  merges?: number;
}

/**
 * A tokenizer's identity for experiment tracking: two runs whose fingerprints agree tokenized every text the
 * same way (the hash covers the vocabulary in id order, the merges, the special and added tokens with their
 * flags, and the normalisation options), so a changed vocabulary can never hide behind the same name.
 */
export function describeTokenizer(tokenizer: PretrainedTokenizer): TokenizerDescription {
  const base = {
    kind: tokenizer.kind,
    vocab: Array.from({ length: tokenizer.vocabSize }, (_, i) => tokenizer.idToToken(i) ?? null),
    specialTokens: tokenizer.specialTokens,
    additionalSpecialTokens: tokenizer.additionalSpecialTokens,
    addedTokens: tokenizer.addedTokens,
  };
  if (tokenizer instanceof WordPieceTokenizer) {
    const o = tokenizer.options;
    const options = {
      doLowerCase: tokenizer.doLowerCase,
      stripAccents: o.stripAccents ?? null,
      tokenizeChineseChars: o.tokenizeChineseChars ?? true,
      doBasicTokenize: tokenizer.doBasicTokenize,
      neverSplit: o.neverSplit ?? [],
      maxInputCharsPerWord: tokenizer.wordpiece.maxInputCharsPerWord,
    };
    return {
      kind: 'wordpiece',
      vocabSize: tokenizer.vocabSize,
      fingerprint: sha256Hex(canonicalJson({ ...base, options })),
      modelMaxLength: tokenizer.modelMaxLength ?? null,
      doLowerCase: options.doLowerCase,
      stripAccents: options.stripAccents,
    };
  }
  if (tokenizer instanceof ByteLevelBpeTokenizer) {
    const merges = tokenizer.options.merges.map(([a, b]) => `${a} ${b}`);
    return {
      kind: 'byte-bpe',
      vocabSize: tokenizer.vocabSize,
      fingerprint: sha256Hex(canonicalJson({ ...base, merges, addPrefixSpace: tokenizer.addPrefixSpace })),
      modelMaxLength: tokenizer.modelMaxLength ?? null,
      addPrefixSpace: tokenizer.addPrefixSpace,
      merges: merges.length,
    };
  }
  throw new Error(`describeTokenizer: unsupported tokenizer kind '${tokenizer.kind}'`);
}
