import { WorkbenchError } from '@workbench/core';
import type { AddedToken } from './added-token.ts';
import { isPythonSpace } from './bert-char-classes.ts';
import { BpeModel } from './bpe-model.ts';
import { bytesToUnicode, unicodeToText } from './bytes-to-unicode.ts';
import { gpt2PreTokenize } from './gpt2-pretokenizer.ts';
import { PretrainedTokenizer } from './pretrained-tokenizer.ts';
import type { SpecialTokens } from './tokenizer.ts';

export const ROBERTA_SPECIAL_TOKENS: Readonly<SpecialTokens> = { pad: '<pad>', unk: '<unk>', cls: '<s>', sep: '</s>', mask: '<mask>' };

export interface ByteLevelBpeTokenizerOptions {
  /** token -> id (vocab.json). */
  vocab: Readonly<Record<string, number>>;
  /** Merge rules in rank order (merges.txt without its header line). */
  merges: readonly (readonly [string, string])[];
  specialTokens?: Partial<SpecialTokens>;
  /** RoBERTa's <s> and </s>; default: the cls and sep tokens. */
  bosToken?: string;
  eosToken?: string;
  additionalSpecialTokens?: readonly string[];
  /** Strip flags of special tokens; default as RobertaTokenizer: <mask> strips on its left, others never. */
  tokenFlags?: Readonly<Record<string, { lstrip: boolean; rstrip: boolean }>>;
  /** Prepend a space to a text that does not start with whitespace, so its first word is encoded like the others. */
  addPrefixSpace?: boolean;
  modelMaxLength?: number;
  cleanUpTokenizationSpaces?: boolean;
  /** HF padding_side / truncation_side (default 'right'). */
  paddingSide?: 'right' | 'left';
  truncationSide?: 'right' | 'left';
}

/**
 * Hugging Face's slow `RobertaTokenizer` (transformers 4.30), token for token: added tokens split out
 * (with <mask>'s lstrip), GPT-2 pre-tokenizer, UTF-8 bytes as byte characters, BPE by merge rank;
 * `<s> A </s></s> B </s>`; token type ids are all 0; never produces <unk> for byte-covered vocabularies.
 */
export class ByteLevelBpeTokenizer extends PretrainedTokenizer {
  readonly kind = 'byte-bpe' as const;
  readonly bpe: BpeModel;
  readonly addPrefixSpace: boolean;
  readonly options: Readonly<ByteLevelBpeTokenizerOptions>;

  constructor(options: ByteLevelBpeTokenizerOptions) {
    const special = { ...ROBERTA_SPECIAL_TOKENS, ...options.specialTokens };
    const vocab = new Map<string, number>();
    const ids: (string | undefined)[] = [];
    for (const [token, id] of Object.entries(options.vocab)) {
      if (!Number.isInteger(id) || id < 0) {
        throw new WorkbenchError('TOKENIZER_INVALID', `token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; ids must be non-negative integers`);
      }
      vocab.set(token, id);
      ids[id] = token;
    }
    const bos = options.bosToken ?? special.cls;
    const eos = options.eosToken ?? special.sep;
    const specialStrings = [...new Set([bos, eos, ...Object.values(special), ...(options.additionalSpecialTokens ?? [])])];
    const flags = (t: string): { lstrip: boolean; rstrip: boolean } =>
      options.tokenFlags?.[t] ?? { lstrip: t === special.mask, rstrip: false };
    const added: AddedToken[] = specialStrings.map((t) => ({ content: t, ...flags(t) }));
    super({
      vocab,
      idToToken: Array.from({ length: ids.length }, (_, i) => ids[i]),
      specialTokens: special,
      additionalSpecialTokens: [...new Set([bos, eos, ...(options.additionalSpecialTokens ?? [])])].filter((t) => !Object.values(special).includes(t)),
      addedTokens: added,
      modelMaxLength: options.modelMaxLength,
      cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces,
      paddingSide: options.paddingSide,
      truncationSide: options.truncationSide,
    });
    this.options = { ...options };
    this.bpe = new BpeModel(options.merges);
    this.addPrefixSpace = options.addPrefixSpace ?? false;
  }

  protected override prepareText(text: string): string {
    if (this.addPrefixSpace && text.length > 0 && !isPythonSpace(String.fromCodePoint(text.codePointAt(0) as number))) return ` ${text}`;
    return text;
  }

  /** As the reference with is_split_into_words: every word gets a prefix space, whatever add_prefix_space says. */
  protected override tokenizeWord(word: string): string[] {
    const spaced = word.length > 0 && !isPythonSpace(String.fromCodePoint(word.codePointAt(0) as number)) ? ` ${word}` : word;
    const out: string[] = [];
    for (const seg of this.splitter.split(spaced)) {
      if (seg.added) out.push(seg.text);
      else for (const t of this.tokenizeSegment(seg.text)) out.push(t);
    }
    return out;
  }

  /** The GPT-2 pre-tokenizer pieces of a text (no added-token handling): for inspection and tests. */
  preTokenize(text: string): string[] {
    return gpt2PreTokenize(text);
  }

  protected tokenizeSegment(text: string): string[] {
    const out: string[] = [];
    for (const piece of gpt2PreTokenize(text)) for (const sym of this.bpe.encodeWord(bytesToUnicode(piece))) out.push(sym);
    return out;
  }

  protected withSpecialTokens(first: readonly number[], second?: readonly number[]): { ids: number[]; typeIds: number[] } {
    const ids = [this.clsId, ...first, this.sepId];
    if (second !== undefined) ids.push(this.sepId, ...second, this.sepId);
    return { ids, typeIds: new Array<number>(ids.length).fill(0) };
  }

  protected numSpecialTokens(pair: boolean): number {
    return pair ? 4 : 2;
  }

  protected tokensToString(tokens: readonly string[]): string {
    return unicodeToText(tokens.join(''));
  }
}
