import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import type { PretrainedTokenizer } from './pretrained-tokenizer.ts';
import { pythonJson, PY_VERY_LARGE_INTEGER } from './python-json.ts';
import { formatMerges, formatVocabTxt } from './vocab-files.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/** Writes vocab.txt (one token per line, in id order). */
export function saveVocab(vocab: readonly string[], path: string): void {
  writeFileSync(path, formatVocabTxt(vocab), 'utf8');
}

/**
 * Writes a tokenizer as transformers 4.30 `save_pretrained` writes the slow tokenizer: vocab.txt, or
 * vocab.json + merges.txt, plus tokenizer_config.json and special_tokens_map.json (sorted keys, two-space
 * indent), so the folder loads with `AutoTokenizer.from_pretrained` and with `loadTokenizer`.
 * Returns the paths written.
 */
export function saveTokenizer(tokenizer: PretrainedTokenizer, folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const files: Record<string, string> = {};
  const s = tokenizer.specialTokens;
  const common: Record<string, unknown> = {
    clean_up_tokenization_spaces: tokenizer.cleanUpTokenizationSpaces,
    model_max_length: tokenizer.modelMaxLength ?? PY_VERY_LARGE_INTEGER,
  };
  // Written only when not the default 'right' (the reference writes them only when they were configured).
  if (tokenizer.paddingSide !== 'right') common['padding_side'] = tokenizer.paddingSide;
  if (tokenizer.truncationSide !== 'right') common['truncation_side'] = tokenizer.truncationSide;
  if (tokenizer instanceof WordPieceTokenizer) {
    const o = tokenizer.options;
    files['vocab.txt'] = formatVocabTxt(tokenizer.vocabList());
    const special: Record<string, unknown> = { cls_token: s.cls, mask_token: s.mask, pad_token: s.pad, sep_token: s.sep, unk_token: s.unk };
    if (tokenizer.additionalSpecialTokens.length > 0) special['additional_special_tokens'] = [...tokenizer.additionalSpecialTokens];
    files['tokenizer_config.json'] = pythonJson({
      ...common,
      ...special,
      do_basic_tokenize: tokenizer.doBasicTokenize,
      do_lower_case: tokenizer.doLowerCase,
      never_split: o.neverSplit && o.neverSplit.length > 0 ? [...o.neverSplit] : null,
      strip_accents: o.stripAccents ?? null,
      tokenize_chinese_chars: o.tokenizeChineseChars ?? true,
      tokenizer_class: 'BertTokenizer',
    });
    files['special_tokens_map.json'] = pythonJson(special);
    if (o.extraTokens && Object.keys(o.extraTokens).length > 0) files['added_tokens.json'] = pythonJson({ ...o.extraTokens });
  } else if (tokenizer instanceof ByteLevelBpeTokenizer) {
    const o = tokenizer.options;
    files['vocab.json'] = pythonJson({ ...o.vocab });
    files['merges.txt'] = formatMerges(o.merges);
    const flags = new Map(tokenizer.addedTokens.map((t) => [t.content, t]));
    const added = (content: string, typed: boolean): Record<string, unknown> => ({
      ...(typed ? { __type: 'AddedToken' } : {}),
      content,
      lstrip: flags.get(content)?.lstrip ?? false,
      normalized: true,
      rstrip: flags.get(content)?.rstrip ?? false,
      single_word: false,
    });
    const special = (typed: boolean): Record<string, unknown> => ({
      bos_token: added(o.bosToken ?? s.cls, typed),
      cls_token: added(s.cls, typed),
      eos_token: added(o.eosToken ?? s.sep, typed),
      mask_token: added(s.mask, typed),
      pad_token: added(s.pad, typed),
      sep_token: added(s.sep, typed),
      unk_token: added(s.unk, typed),
      ...(o.additionalSpecialTokens && o.additionalSpecialTokens.length > 0 ? { additional_special_tokens: o.additionalSpecialTokens.map((t) => added(t, typed)) } : {}),
    });
    files['tokenizer_config.json'] = pythonJson({
      ...common,
      ...special(true),
      add_prefix_space: tokenizer.addPrefixSpace,
      errors: 'replace',
      tokenizer_class: 'RobertaTokenizer',
    });
    files['special_tokens_map.json'] = pythonJson(special(false));
  } else {
    throw new Error(`saveTokenizer: unsupported tokenizer kind '${tokenizer.kind}'`);
  }
  return Object.entries(files).map(([name, text]) => {
    const path = join(folder, name);
    writeFileSync(path, text, 'utf8');
    return path;
  });
}
