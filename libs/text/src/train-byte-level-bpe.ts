import { WorkbenchError, resolveConfig, type Defaults } from '@workbench/core';
import { AddedTokenSplitter } from './added-token.ts';
import { isPythonSpace } from './bert-char-classes.ts';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import { BYTE_TO_UNICODE, bytesToUnicode } from './bytes-to-unicode.ts';
import { gpt2PreTokenize } from './gpt2-pretokenizer.ts';
import { learnMerges } from './merge-learner.ts';

export interface ByteLevelBpeTrainerConfig {
  /** Target vocabulary size: special tokens, the 256 byte symbols and merged pieces. */
  vocabSize?: number;
  /** A pair is merged only if it occurs at least this often. */
  minFrequency?: number;
  /** Prepend a space to texts that do not start with whitespace (and record it in the tokenizer). */
  addPrefixSpace?: boolean;
  /** RoBERTa's special tokens: ids 0-3 in this order (<s> <pad> </s> <unk>); the mask token comes last. */
  bosToken?: string;
  padToken?: string;
  eosToken?: string;
  unkToken?: string;
  maskToken?: string;
  /** model_max_length recorded in the tokenizer (null: no limit). */
  modelMaxLength?: number | null;
}

export const DEFAULT_BYTE_LEVEL_BPE_TRAINER: Defaults<ByteLevelBpeTrainerConfig> = {
  vocabSize: 8000,
  minFrequency: 2,
  addPrefixSpace: false,
  bosToken: '<s>',
  padToken: '<pad>',
  eosToken: '</s>',
  unkToken: '<unk>',
  maskToken: '<mask>',
  modelMaxLength: null,
};

export interface TrainedByteLevelBpe {
  /** token -> id (vocab.json): <s> <pad> </s> <unk>, the 256 byte symbols, merged pieces, <mask> last. */
  vocab: Record<string, number>;
  /** Merge rules in rank order (merges.txt). */
  merges: [string, string][];
  tokenizer: ByteLevelBpeTokenizer;
  stats: { texts: number; distinctWords: number; merges: number; config: Defaults<ByteLevelBpeTrainerConfig> };
}

/**
 * Learns a RoBERTa-style byte-level BPE vocabulary from a corpus, deterministically (same corpus and config,
 * in any order, give the same vocab.json and merges.txt). Words are the GPT-2 pre-tokenizer pieces the
 * trained tokenizer will see, as byte symbols; special tokens in the text are left out. The layout follows
 * the fixture's: <s>=0 <pad>=1 </s>=2 <unk>=3, the 256 byte symbols in bytes_to_unicode order, the merged
 * pieces in merge order, then <mask>. Since every byte has a symbol, the tokenizer never produces <unk>.
 */
export function trainByteLevelBpe(corpus: Iterable<string>, config: ByteLevelBpeTrainerConfig = {}): TrainedByteLevelBpe {
  const cfg = resolveConfig<ByteLevelBpeTrainerConfig>(DEFAULT_BYTE_LEVEL_BPE_TRAINER, config, { where: { source: 'trainByteLevelBpe' } });
  const specials = [cfg.bosToken, cfg.padToken, cfg.eosToken, cfg.unkToken];
  const all = [...specials, cfg.maskToken];
  if (new Set(all).size !== all.length || all.some((t) => t === '')) {
    throw new WorkbenchError('CONFIG_INVALID', `the five special tokens must be distinct and non-empty, got ${JSON.stringify(all)}`, { where: { source: 'trainByteLevelBpe' } });
  }
  // bytes_to_unicode order: printable bytes first (their own characters), then the remapped ones (U+0100..).
  const byteSymbols = [...BYTE_TO_UNICODE].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
  const initial = [...specials, ...byteSymbols];
  const fixed = initial.length + 1;
  if (!Number.isInteger(cfg.vocabSize) || cfg.vocabSize < fixed) {
    throw new WorkbenchError('CONFIG_INVALID', `vocabSize must be an integer of at least ${fixed} (5 special tokens and 256 byte symbols), got ${cfg.vocabSize}`, {
      where: { source: 'trainByteLevelBpe', path: 'vocabSize' },
    });
  }
  if (!Number.isInteger(cfg.minFrequency) || cfg.minFrequency < 1) {
    throw new WorkbenchError('CONFIG_TYPE', `minFrequency must be a positive integer, got ${cfg.minFrequency}`, { where: { source: 'trainByteLevelBpe', path: 'minFrequency' } });
  }

  const splitter = new AddedTokenSplitter(all.map((content) => ({ content, lstrip: false, rstrip: false })));
  const counts = new Map<string, number>();
  let texts = 0;
  for (const raw of corpus) {
    texts++;
    const text = cfg.addPrefixSpace && raw.length > 0 && !isPythonSpace(String.fromCodePoint(raw.codePointAt(0) as number)) ? ` ${raw}` : raw;
    for (const seg of splitter.split(text)) {
      if (seg.added) continue;
      for (const piece of gpt2PreTokenize(seg.text)) {
        const word = bytesToUnicode(piece);
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  const words: string[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of counts) {
    words.push(Array.from(w));
    freqs.push(f);
  }
  const learned = learnMerges({ initialSymbols: initial, words, freqs, join: (a, b) => a + b, maxNewTokens: cfg.vocabSize - fixed, minFrequency: cfg.minFrequency });
  const order = [...initial, ...learned.newTokens, cfg.maskToken];
  const vocab: Record<string, number> = {};
  order.forEach((t, i) => (vocab[t] = i));
  const tokenizer = new ByteLevelBpeTokenizer({
    vocab,
    merges: learned.merges,
    specialTokens: { cls: cfg.bosToken, pad: cfg.padToken, sep: cfg.eosToken, unk: cfg.unkToken, mask: cfg.maskToken },
    addPrefixSpace: cfg.addPrefixSpace,
    modelMaxLength: cfg.modelMaxLength ?? undefined,
  });
  return { vocab, merges: learned.merges, tokenizer, stats: { texts, distinctWords: counts.size, merges: learned.merges.length, config: cfg } };
}
