// Public API of @workbench/text.
export type { Tokenizer, EncodeOptions, Encoding, BatchEncoding, SpecialTokens } from './tokenizer.ts';
export { BasicTokenizer, stripAccents } from './basic-tokenizer.ts';
export type { BasicTokenizerOptions } from './basic-tokenizer.ts';
export { WordPieceModel } from './wordpiece-model.ts';
export type { WordPieceModelOptions } from './wordpiece-model.ts';
export { AddedTokenSplitter } from './added-token.ts';
export type { AddedToken, TextSegment } from './added-token.ts';
export { PretrainedTokenizer, cleanUpTokenization } from './pretrained-tokenizer.ts';
export type { PretrainedTokenizerInit, DecodeOptions } from './pretrained-tokenizer.ts';
export { truncateSequences } from './truncation.ts';
export { WordPieceTokenizer, BERT_SPECIAL_TOKENS } from './wordpiece-tokenizer.ts';
export type { WordPieceTokenizerOptions } from './wordpiece-tokenizer.ts';
export { ByteLevelBpeTokenizer, ROBERTA_SPECIAL_TOKENS } from './byte-level-bpe-tokenizer.ts';
export type { ByteLevelBpeTokenizerOptions } from './byte-level-bpe-tokenizer.ts';
export { BpeModel } from './bpe-model.ts';
export { BYTE_TO_UNICODE, UNICODE_TO_BYTE, bytesToUnicode, unicodeToText } from './bytes-to-unicode.ts';
export { GPT2_PATTERN, gpt2PreTokenize } from './gpt2-pretokenizer.ts';
export { parseVocabTxt, formatVocabTxt, parseVocabJson, parseMerges, formatMerges, parseJsonFile } from './vocab-files.ts';
