import { WorkbenchError } from '@workbench/core';
import { AddedTokenSplitter, type AddedToken } from './added-token.ts';
import type { BatchEncoding, EncodeOptions, Encoding, SpecialTokens, Tokenizer } from './tokenizer.ts';
import { truncateSequences } from './truncation.ts';

/** What every Hugging Face-style tokenizer shares: a vocabulary, special and added tokens, limits. */
export interface PretrainedTokenizerInit {
  /** Token -> id, the added tokens included. */
  vocab: ReadonlyMap<string, number>;
  /** id -> token; holes (ids no token maps to) are undefined. */
  idToToken: readonly (string | undefined)[];
  specialTokens: SpecialTokens;
  /** Extra special tokens (HF `additional_special_tokens`); never split, skipped by decode. */
  additionalSpecialTokens?: readonly string[];
  /** Never-split tokens with their strip flags: the special tokens and any user-added ones. */
  addedTokens: readonly AddedToken[];
  /** Tokens added on top of the base vocabulary (HF `added_tokens.json`), which decode keeps apart. */
  userAddedTokens?: readonly string[];
  /** The longest input the model accepts; undefined when unknown. */
  modelMaxLength?: number;
  /** Remove spaces before punctuation and contractions when decoding (HF default true). */
  cleanUpTokenizationSpaces?: boolean;
  /** HF padding_side / truncation_side (default 'right'). */
  paddingSide?: 'right' | 'left';
  truncationSide?: 'right' | 'left';
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  /** Overrides the tokenizer's `cleanUpTokenizationSpaces`. */
  cleanUpTokenizationSpaces?: boolean;
}

/**
 * The encoding pipeline shared by the WordPiece and byte-level BPE tokenizers, following transformers 4.30
 * `PreTrainedTokenizer`: split out added tokens, sub-word the rest, map to ids (unknown -> unk id), truncate
 * (longest_first), add special tokens, pad on the right.
 */
export abstract class PretrainedTokenizer implements Tokenizer {
  abstract readonly kind: 'wordpiece' | 'byte-bpe';
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  readonly additionalSpecialTokens: readonly string[];
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  readonly specialIds: ReadonlySet<number>;
  readonly modelMaxLength: number | undefined;
  readonly cleanUpTokenizationSpaces: boolean;
  readonly addedTokens: readonly AddedToken[];
  readonly paddingSide: 'right' | 'left';
  readonly truncationSide: 'right' | 'left';

  protected readonly vocab: ReadonlyMap<string, number>;
  protected readonly ids: readonly (string | undefined)[];
  protected readonly splitter: AddedTokenSplitter;
  private readonly userAdded: ReadonlySet<string>;
  private readonly specialStrings: ReadonlySet<string>;

  constructor(init: PretrainedTokenizerInit) {
    this.vocab = init.vocab;
    this.ids = init.idToToken;
    this.vocabSize = init.idToToken.length;
    this.specialTokens = { ...init.specialTokens };
    this.additionalSpecialTokens = [...(init.additionalSpecialTokens ?? [])];
    this.addedTokens = init.addedTokens.map((t) => ({ ...t }));
    this.splitter = new AddedTokenSplitter(this.addedTokens);
    this.modelMaxLength = init.modelMaxLength;
    this.cleanUpTokenizationSpaces = init.cleanUpTokenizationSpaces ?? true;
    this.paddingSide = init.paddingSide ?? 'right';
    this.truncationSide = init.truncationSide ?? 'right';
    this.userAdded = new Set(init.userAddedTokens ?? []);
    const idOf = (role: keyof SpecialTokens): number => {
      const token = this.specialTokens[role];
      const id = this.vocab.get(token);
      if (id === undefined) {
        throw new WorkbenchError('TOKENIZER_INVALID', `the ${role} token '${token}' is not in the vocabulary`, { details: { role, token } });
      }
      return id;
    };
    this.padId = idOf('pad');
    this.unkId = idOf('unk');
    this.clsId = idOf('cls');
    this.sepId = idOf('sep');
    this.maskId = idOf('mask');
    this.specialStrings = new Set([...Object.values(this.specialTokens), ...this.additionalSpecialTokens]);
    const special = new Set<number>();
    for (const s of this.specialStrings) {
      const id = this.vocab.get(s);
      if (id !== undefined) special.add(id);
    }
    this.specialIds = special;
  }

  /** Text-level preparation before added tokens are split out (lower-casing, prefix space). */
  protected prepareText(text: string): string {
    return text;
  }

  /** Sub-word tokens of a piece of text that contains no added token. */
  protected abstract tokenizeSegment(text: string): string[];

  /** The ids with the model's special tokens around one sequence or a pair, and their token type ids. */
  protected abstract withSpecialTokens(first: readonly number[], second?: readonly number[]): { ids: number[]; typeIds: number[] };

  /** How many special tokens `withSpecialTokens` adds. */
  protected abstract numSpecialTokens(pair: boolean): number;

  /** Sub-word tokens back to text (no clean-up). */
  protected abstract tokensToString(tokens: readonly string[]): string;

  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const seg of this.splitter.split(this.prepareText(text))) {
      if (seg.added) out.push(seg.text);
      else for (const t of this.tokenizeSegment(seg.text)) out.push(t);
    }
    return out;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.ids[id];
  }

  /** Token ids of a text, no special tokens, no truncation; unknown tokens map to the unk id. */
  tokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.vocab.get(t) ?? this.unkId);
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    const first = this.tokensToIds(this.tokenize(text));
    const second = options.pair === undefined ? undefined : this.tokensToIds(this.tokenize(options.pair));
    return this.encodeIds(first, second, options);
  }

  /** Truncation, special tokens, token types and padding for already tokenized ids (HF `prepare_for_model`). */
  encodeIds(firstIds: readonly number[], secondIds?: readonly number[], options: Omit<EncodeOptions, 'pair'> = {}): Encoding {
    const padding = options.padding ?? false;
    const maxLength = this.resolveMaxLength(options);
    const truncation = options.truncation ?? maxLength !== undefined;
    const addSpecial = options.addSpecialTokens ?? true;
    let first = firstIds.slice();
    let second = secondIds?.slice();
    if (truncation && maxLength !== undefined) {
      const extra = this.checkRoomForSpecialTokens(maxLength, addSpecial, second !== undefined);
      ({ first, second } = truncateSequences(first, second, first.length + (second?.length ?? 0) + extra - maxLength, this.truncationSide));
    }
    let inputIds: number[];
    let tokenTypeIds: number[];
    if (addSpecial) {
      const built = this.withSpecialTokens(first, second);
      inputIds = built.ids;
      tokenTypeIds = built.typeIds;
    } else {
      inputIds = [...first, ...(second ?? [])];
      // As HF: without special tokens every token type is 0, even for a pair.
      tokenTypeIds = new Array<number>(inputIds.length).fill(0);
    }
    let attentionMask = inputIds.map(() => 1);
    if (padding === 'max_length' && maxLength !== undefined && inputIds.length < maxLength) {
      inputIds = this.padRow(inputIds, maxLength, this.padId);
      attentionMask = this.padRow(attentionMask, maxLength, 0);
      tokenTypeIds = this.padRow(tokenTypeIds, maxLength, 0);
    }
    return { tokens: inputIds.map((id) => this.ids[id] ?? this.specialTokens.unk), inputIds, attentionMask, tokenTypeIds };
  }

  /**
   * Encodes a pre-split text (HF `is_split_into_words=True`): each word is tokenized on its own (byte-level
   * BPE puts a space before each word, as the reference does), and `wordIds[k]` is the index of the word
   * token k came from, null for special and padding tokens: what token tagging needs to align labels with
   * sub-words.
   */
  encodeWords(words: readonly string[], options: Omit<EncodeOptions, 'pair'> = {}): Encoding & { wordIds: (number | null)[] } {
    const ids: number[] = [];
    const owner: number[] = [];
    words.forEach((w, i) => {
      for (const id of this.tokensToIds(this.tokenizeWord(w))) {
        ids.push(id);
        owner.push(i);
      }
    });
    const maxLength = this.resolveMaxLength(options);
    const truncation = options.truncation ?? maxLength !== undefined;
    const addSpecial = options.addSpecialTokens ?? true;
    let keep = ids.length;
    if (truncation && maxLength !== undefined) keep = Math.min(ids.length, maxLength - this.checkRoomForSpecialTokens(maxLength, addSpecial, false));
    const from = this.truncationSide === 'right' ? 0 : ids.length - keep;
    const enc = this.encodeIds(ids.slice(from, from + keep), undefined, { ...options, truncation: false });
    const specials = addSpecial ? this.numSpecialTokens(false) : 0;
    const before = addSpecial ? 1 : 0;
    const unpadded: (number | null)[] = [
      ...new Array<null>(before).fill(null),
      ...owner.slice(from, from + keep),
      ...new Array<null>(specials - before).fill(null),
    ];
    const padding = new Array<null>(enc.inputIds.length - unpadded.length).fill(null);
    const wordIds = this.paddingSide === 'right' ? [...unpadded, ...padding] : [...padding, ...unpadded];
    return { ...enc, wordIds };
  }

  /** The number of special tokens a row gets; an error when maxLength cannot even hold them. */
  private checkRoomForSpecialTokens(maxLength: number, addSpecial: boolean, pair: boolean): number {
    const extra = addSpecial ? this.numSpecialTokens(pair) : 0;
    if (maxLength < extra) {
      throw new WorkbenchError('CONFIG_INVALID', `maxLength ${maxLength} is shorter than the ${extra} special tokens every row needs`, {
        details: { maxLength, specialTokens: extra },
      });
    }
    return extra;
  }

  /** One word of a pre-split text; the byte-level tokenizer overrides this to add the prefix space. */
  protected tokenizeWord(word: string): string[] {
    return this.tokenize(word);
  }

  /**
   * Encodes texts into one padded batch: to the longest row (`padding: 'longest'`, the default) or to
   * `maxLength` ('max_length'). A row may be a `[text, pair]` tuple. Rows of a batch always have one
   * length, so `padding: false` is rejected.
   */
  encodeBatch(texts: readonly (string | readonly [string, string])[], options: EncodeOptions = {}): BatchEncoding {
    const padding = options.padding ?? 'longest';
    if (padding === false) {
      throw new WorkbenchError('CONFIG_INVALID', "encodeBatch pads every row to one length; padding: false is only valid for encode()", {
        hint: "use padding: 'longest' or 'max_length', or call encode() per text for ragged rows",
      });
    }
    const maxLength = this.resolveMaxLength(options);
    if (padding === 'max_length' && maxLength === undefined) {
      throw new WorkbenchError('CONFIG_INVALID', "padding 'max_length' needs maxLength (the tokenizer has no model_max_length)");
    }
    const rows = texts.map((t) => (typeof t === 'string' ? this.encode(t, { ...options, padding: false }) : this.encode(t[0], { ...options, pair: t[1], padding: false })));
    // A loop, not Math.max(...rows): spreading 100k+ arguments overflows the stack.
    let length = padding === 'max_length' ? (maxLength as number) : 0;
    for (const r of rows) length = Math.max(length, r.inputIds.length);
    return {
      inputIds: rows.map((r) => this.padRow(r.inputIds, length, this.padId)),
      attentionMask: rows.map((r) => this.padRow(r.attentionMask, length, 0)),
      tokenTypeIds: rows.map((r) => this.padRow(r.tokenTypeIds, length, 0)),
      length,
    };
  }

  /** A row padded to `length` on the tokenizer's padding side. */
  protected padRow(row: number[], length: number, value: number): number[] {
    if (row.length >= length) return row;
    const fill = new Array<number>(length - row.length).fill(value);
    return this.paddingSide === 'right' ? row.concat(fill) : fill.concat(row);
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    const subTexts: string[] = [];
    let current: string[] = [];
    for (const id of ids) {
      if (skip && this.specialIds.has(id)) continue;
      const token = this.decodeId(id);
      // Tokens added on top of the vocabulary are kept verbatim, apart from the sub-word text (as HF does).
      if (this.userAdded.has(token) && !this.specialStrings.has(token)) {
        if (current.length > 0) {
          const s = this.tokensToString(current);
          if (s !== '') subTexts.push(s);
          current = [];
        }
        subTexts.push(token);
      } else {
        current.push(token);
      }
    }
    if (current.length > 0) subTexts.push(this.tokensToString(current));
    const text = subTexts.join(' ');
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces) ? cleanUpTokenization(text) : text;
  }

  /** The token of an id for decoding; an id outside the vocabulary is an error. */
  protected decodeId(id: number): string {
    const token = Number.isInteger(id) ? this.ids[id] : undefined;
    if (token === undefined) {
      throw new WorkbenchError('TOKENIZER_INVALID', `cannot decode id ${id}: it is outside the vocabulary of ${this.vocabSize} tokens`, { details: { id } });
    }
    return token;
  }

  private resolveMaxLength(options: EncodeOptions): number | undefined {
    if (options.maxLength !== undefined) {
      if (!Number.isInteger(options.maxLength) || options.maxLength <= 0) {
        throw new WorkbenchError('CONFIG_TYPE', `maxLength must be a positive integer, got ${options.maxLength}`);
      }
      return options.maxLength;
    }
    // As HF: truncation or max_length padding without a length use the model's limit.
    if (options.truncation === true || options.padding === 'max_length') return this.modelMaxLength;
    return undefined;
  }
}

/** HF `clean_up_tokenization`: no space before . ? ! , and English contractions. */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
