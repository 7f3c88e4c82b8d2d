import { WorkbenchError } from '@workbench/core';
import { AddedTokenSplitter, type AddedToken } from './added-token.ts';
import { BasicTokenizer } from './basic-tokenizer.ts';
import { pythonStrip } from './bert-char-classes.ts';
import { PretrainedTokenizer } from './pretrained-tokenizer.ts';
import type { SpecialTokens } from './tokenizer.ts';
import { WordPieceModel } from './wordpiece-model.ts';

export const BERT_SPECIAL_TOKENS: Readonly<SpecialTokens> = { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' };

export interface WordPieceTokenizerOptions {
  /** The vocabulary in id order: `vocab[i]` is token i (the lines of vocab.txt). */
  vocab: readonly string[];
  doLowerCase?: boolean;
  /** null (default): strip accents iff lower-casing. */
  stripAccents?: boolean | null;
  tokenizeChineseChars?: boolean;
  /** Run the basic (whitespace/punctuation) tokenizer before WordPiece (default true). */
  doBasicTokenize?: boolean;
  /** Words the basic tokenizer keeps whole. */
  neverSplit?: readonly string[];
  specialTokens?: Partial<SpecialTokens>;
  additionalSpecialTokens?: readonly string[];
  /** Strip flags of special tokens given as AddedToken objects; plain-string special tokens strip both sides. */
  tokenFlags?: Readonly<Record<string, { lstrip: boolean; rstrip: boolean }>>;
  /** Tokens added after the vocabulary (HF added_tokens.json): token -> id (ids >= vocab.length). */
  extraTokens?: Readonly<Record<string, number>>;
  maxInputCharsPerWord?: number;
  modelMaxLength?: number;
  cleanUpTokenizationSpaces?: boolean;
  /** HF padding_side / truncation_side (default 'right'). */
  paddingSide?: 'right' | 'left';
  truncationSide?: 'right' | 'left';
}

/**
 * Hugging Face's slow `BertTokenizer` (transformers 4.30), token for token: the basic tokenizer
 * (cleaning, CJK padding, lower-casing / accent stripping, punctuation split), then WordPiece;
 * `[CLS] A [SEP] B [SEP]` with token types 0/1.
 */
export class WordPieceTokenizer extends PretrainedTokenizer {
  readonly kind = 'wordpiece' as const;
  readonly basic: BasicTokenizer;
  readonly wordpiece: WordPieceModel;
  readonly doLowerCase: boolean;
  readonly doBasicTokenize: boolean;
  readonly options: Readonly<WordPieceTokenizerOptions>;
  private readonly specialOnly: AddedTokenSplitter;
  private readonly lowersText: boolean;
  private readonly specialSet: ReadonlySet<string>;

  constructor(options: WordPieceTokenizerOptions) {
    const special = { ...BERT_SPECIAL_TOKENS, ...options.specialTokens };
    const extra = options.extraTokens ?? {};
    const vocab = new Map<string, number>();
    // A token listed twice keeps its last id, as the reference's dict does; both ids decode to it.
    options.vocab.forEach((t, i) => vocab.set(t, i));
    // WordPiece matches against the base vocabulary only; added tokens are split out before it runs.
    const base = new Map(vocab);
    const ids: (string | undefined)[] = options.vocab.slice();
    for (const [t, id] of Object.entries(extra)) {
      if (!Number.isInteger(id) || id < 0) throw new WorkbenchError('TOKENIZER_INVALID', `added token '${t}' has an invalid id ${id}`);
      if (!vocab.has(t)) vocab.set(t, id);
      ids[id] = t;
    }
    const doLowerCase = options.doLowerCase ?? true;
    // In the reference, do_lower_case reads basic_tokenizer.do_lower_case, which does not exist without the
    // basic tokenizer: then neither the text nor added tokens are lower-cased at all.
    const lowersText = doLowerCase && (options.doBasicTokenize ?? true);
    const specialStrings = [...Object.values(special), ...(options.additionalSpecialTokens ?? [])];
    const flags = (t: string): { lstrip: boolean; rstrip: boolean } => options.tokenFlags?.[t] ?? { lstrip: true, rstrip: true };
    const added: AddedToken[] = specialStrings.map((t) => ({ content: t, ...flags(t) }));
    // Non-special added tokens are matched in lower case when lower-casing, as the reference's trie does.
    for (const t of Object.keys(extra)) {
      if (!specialStrings.includes(t)) added.push({ content: lowersText ? t.toLowerCase() : t, ...flags(t) });
    }
    super({
      vocab,
      idToToken: Array.from({ length: ids.length }, (_, i) => ids[i]),
      specialTokens: special,
      additionalSpecialTokens: options.additionalSpecialTokens,
      addedTokens: added,
      userAddedTokens: Object.keys(extra),
      modelMaxLength: options.modelMaxLength,
      cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces,
      paddingSide: options.paddingSide,
      truncationSide: options.truncationSide,
    });
    this.options = { ...options };
    this.wordpiece = new WordPieceModel(base, { unkToken: special.unk, maxInputCharsPerWord: options.maxInputCharsPerWord ?? 100 });
    this.doLowerCase = doLowerCase;
    this.lowersText = lowersText;
    this.doBasicTokenize = options.doBasicTokenize ?? true;
    this.specialSet = new Set(specialStrings);
    this.specialOnly = new AddedTokenSplitter(specialStrings.map((t) => ({ content: t, lstrip: false, rstrip: false })));
    this.basic = new BasicTokenizer({
      doLowerCase,
      neverSplit: options.neverSplit ?? [],
      tokenizeChineseChars: options.tokenizeChineseChars ?? true,
      stripAccents: options.stripAccents ?? null,
    });
  }

  /** The vocabulary in id order (what vocab.txt holds). */
  vocabList(): string[] {
    return this.options.vocab.slice();
  }

  /**
   * The reference lower-cases everything outside special tokens one code point at a time before splitting
   * (so a final capital sigma becomes σ, not ς); the basic tokenizer's own lower-casing is then a no-op.
   */
  protected override prepareText(text: string): string {
    if (!this.lowersText) return text;
    let out = '';
    for (const seg of this.specialOnly.split(text)) {
      if (seg.added) out += seg.text;
      else out += lowerEachCodePoint(seg.text);
    }
    return out;
  }

  protected tokenizeSegment(text: string): string[] {
    if (!this.doBasicTokenize) return this.wordpiece.tokenize(text);
    const out: string[] = [];
    for (const word of this.basic.tokenize(text, this.specialSet)) {
      if (this.basic.neverSplit.has(word)) out.push(word);
      else for (const piece of this.wordpiece.tokenizeWord(word)) out.push(piece);
    }
    return out;
  }

  protected withSpecialTokens(first: readonly number[], second?: readonly number[]): { ids: number[]; typeIds: number[] } {
    const ids = [this.clsId, ...first, this.sepId];
    const typeIds = new Array<number>(ids.length).fill(0);
    if (second !== undefined) {
      ids.push(...second, this.sepId);
      typeIds.push(...new Array<number>(second.length + 1).fill(1));
    }
    return { ids, typeIds };
  }

  protected numSpecialTokens(pair: boolean): number {
    return pair ? 3 : 2;
  }

  /** Unknown ids decode to [UNK], as the reference's `ids_to_tokens.get(id, unk)` does. */
  protected override decodeId(id: number): string {
    return this.idToToken(id) ?? this.specialTokens.unk;
  }

  protected tokensToString(tokens: readonly string[]): string {
    return pythonStrip(tokens.join(' ').replaceAll(' ##', ''));
  }
}

/**
 * Lower-cases one code point at a time. Only the final-sigma rule of Unicode's default case mapping depends
 * on context, so whole-string lower-casing is the same unless the text holds a capital sigma.
 */
function lowerEachCodePoint(text: string): string {
  if (!text.includes('\u03a3')) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}
