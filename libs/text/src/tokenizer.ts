/**
 * The tokenizer contract every tokenizer of the workbench implements (WordPiece / BertTokenizer and
 * byte-level BPE / RobertaTokenizer), matching Hugging Face's slow tokenizers token for token.
 */

export interface EncodeOptions {
  /** Second segment (sentence pairs): token type 1 for BERT, `</s></s>` separator for RoBERTa. */
  pair?: string;
  /** Add [CLS]/[SEP] or <s>/</s> (default true). */
  addSpecialTokens?: boolean;
  /** Truncate to this many tokens, special tokens included. */
  maxLength?: number;
  /** Truncate when longer than maxLength (default true when maxLength is set). */
  truncation?: boolean;
  /** 'max_length' pads to maxLength; 'longest' (batches) pads to the longest row; false: no padding. */
  padding?: 'max_length' | 'longest' | false;
}

/** One encoded text. All arrays have the same length. */
export interface Encoding {
  tokens: string[];
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
}

/** A padded batch, row-major: `inputIds[i]` is row i. */
export interface BatchEncoding {
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  /** The padded length of every row. */
  length: number;
}

export interface SpecialTokens {
  pad: string;
  unk: string;
  /** [CLS] or <s> */
  cls: string;
  /** [SEP] or </s> */
  sep: string;
  /** [MASK] or <mask> */
  mask: string;
}

export interface Tokenizer {
  readonly kind: 'wordpiece' | 'byte-bpe';
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  /** Ids a masked-LM objective must never mask or predict as replacements. */
  readonly specialIds: ReadonlySet<number>;
  /** The longest input the model accepts (HF model_max_length); undefined when unknown. */
  readonly modelMaxLength?: number | undefined;
  /** Sub-word tokens of a text, no special tokens, no truncation. */
  tokenize(text: string): string[];
  encode(text: string, options?: EncodeOptions): Encoding;
  /** A row may be a `[text, pair]` tuple (sentence pairs); every row is padded to one length. */
  encodeBatch(texts: readonly (string | readonly [string, string])[], options?: EncodeOptions): BatchEncoding;
  /**
   * A pre-split text (HF is_split_into_words): `wordIds[k]` is the word token k came from, null for special
   * and padding tokens (aligns token-tagging labels with sub-words).
   */
  encodeWords?(words: readonly string[], options?: Omit<EncodeOptions, 'pair'>): Encoding & { wordIds: (number | null)[] };
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}
