import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError, didYouMeanSuffix, isPlainObject } from '@workbench/core';
import { ByteLevelBpeTokenizer, ROBERTA_SPECIAL_TOKENS } from './byte-level-bpe-tokenizer.ts';
import type { PretrainedTokenizer } from './pretrained-tokenizer.ts';
import type { SpecialTokens } from './tokenizer.ts';
import { parseJsonFile, parseMerges, parseVocabJson, parseVocabTxt } from './vocab-files.ts';
import { BERT_SPECIAL_TOKENS, WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/** Tokenizer classes (HF `tokenizer_class`, with or without `Fast`) and the tokenizer that reproduces them. */
const WORDPIECE_CLASSES = ['BertTokenizer', 'DistilBertTokenizer', 'ElectraTokenizer'];
const BYTE_BPE_CLASSES = ['RobertaTokenizer'];

/** transformers stores "no limit" as int(1e30); anything this large means unknown. */
const NO_LIMIT = 1e15;

const ROLE_KEYS: Record<keyof SpecialTokens, string> = {
  pad: 'pad_token',
  unk: 'unk_token',
  cls: 'cls_token',
  sep: 'sep_token',
  mask: 'mask_token',
};

type Json = Record<string, unknown>;

interface TokenSpec {
  content: string;
  /** Present when the file gave an AddedToken object; plain strings keep the class default. */
  flags?: { lstrip: boolean; rstrip: boolean };
}

/**
 * Loads the tokenizer of a Hugging Face folder, as `AutoTokenizer.from_pretrained(folder, use_fast=False)`
 * would for BERT- and RoBERTa-style models: vocab.txt (WordPiece) or vocab.json + merges.txt (byte-level
 * BPE), with tokenizer_config.json, special_tokens_map.json (which wins, as in transformers) and
 * added_tokens.json when present. Every problem is a TOKENIZER_INVALID error naming the file.
 */
export function loadTokenizer(folder: string): PretrainedTokenizer {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new WorkbenchError('TOKENIZER_INVALID', 'the tokenizer folder does not exist or is not a directory', { where: { file: folder } });
  }
  const file = (name: string): string => join(folder, name);
  const config = readJsonObject(file('tokenizer_config.json')) ?? {};
  const specialMap = readJsonObject(file('special_tokens_map.json')) ?? {};
  const added = readJsonObject(file('added_tokens.json'));
  const kind = detectKind(folder, config);

  // special_tokens_map.json overrides tokenizer_config.json, as in transformers' from_pretrained.
  const tokenValue = (key: string): TokenSpec | undefined => {
    if (specialMap[key] !== undefined && specialMap[key] !== null) return parseTokenValue(specialMap[key], file('special_tokens_map.json'), key);
    if (config[key] !== undefined && config[key] !== null) return parseTokenValue(config[key], file('tokenizer_config.json'), key);
    return undefined;
  };
  const defaults = kind === 'wordpiece' ? BERT_SPECIAL_TOKENS : ROBERTA_SPECIAL_TOKENS;
  const specialTokens = { ...defaults };
  const tokenFlags: Record<string, { lstrip: boolean; rstrip: boolean }> = {};
  for (const [role, key] of Object.entries(ROLE_KEYS) as [keyof SpecialTokens, string][]) {
    const spec = tokenValue(key);
    if (spec) {
      specialTokens[role] = spec.content;
      if (spec.flags) tokenFlags[spec.content] = spec.flags;
    }
  }
  const bos = tokenValue('bos_token');
  const eos = tokenValue('eos_token');
  for (const spec of [bos, eos]) if (spec?.flags) tokenFlags[spec.content] = spec.flags;
  const additional = additionalSpecialTokens(specialMap, config, folder);
  for (const spec of additional) if (spec.flags) tokenFlags[spec.content] = spec.flags;
  // transformers >= 4.34 records every added token with its flags in added_tokens_decoder, the source of truth.
  const decoderTokens = addedTokensDecoder(config, file('tokenizer_config.json'));
  const roleTokens = new Set<string>([...Object.values(specialTokens), ...(bos ? [bos.content] : []), ...(eos ? [eos.content] : [])]);
  for (const t of decoderTokens) {
    tokenFlags[t.content] = { lstrip: t.lstrip, rstrip: t.rstrip };
    if (t.special && !roleTokens.has(t.content) && !additional.some((a) => a.content === t.content)) additional.push({ content: t.content });
  }

  const configFile = file('tokenizer_config.json');
  const opt = <T>(key: string, type: 'boolean' | 'number' | 'string' | 'array', nullable = false): T | undefined => {
    const v = config[key];
    if (v === undefined || (v === null && nullable)) return undefined;
    const ok = type === 'array' ? Array.isArray(v) : typeof v === type;
    if (!ok) {
      throw new WorkbenchError('TOKENIZER_INVALID', `'${key}' must be ${nullable ? `a ${type} or null` : `a ${type}`}, got ${JSON.stringify(v)}`, {
        where: { file: configFile, path: key },
      });
    }
    return v as T;
  };
  const maxLen = opt<number>('model_max_length', 'number', true);
  const modelMaxLength = maxLen !== undefined && maxLen < NO_LIMIT ? maxLen : undefined;
  const cleanUp = opt<boolean>('clean_up_tokenization_spaces', 'boolean');
  const side = (key: string): 'right' | 'left' | undefined => {
    const v = opt<string>(key, 'string');
    if (v !== undefined && v !== 'right' && v !== 'left') {
      throw new WorkbenchError('TOKENIZER_INVALID', `'${key}' must be 'right' or 'left', got ${JSON.stringify(v)}`, { where: { file: configFile, path: key } });
    }
    return v;
  };
  const paddingSide = side('padding_side');
  const truncationSide = side('truncation_side');

  let tokenizer: PretrainedTokenizer;
  if (kind === 'wordpiece') {
    const vocabFile = file('vocab.txt');
    const vocab = parseVocabTxt(readFileSync(vocabFile, 'utf8'), vocabFile);
    checkSpecialTokens(new Set([...vocab, ...decoderTokens.map((t) => t.content)]), specialTokens, vocabFile, added);
    const neverSplit = opt<unknown[]>('never_split', 'array', true);
    if (neverSplit && !neverSplit.every((t) => typeof t === 'string')) {
      throw new WorkbenchError('TOKENIZER_INVALID', "'never_split' must be a list of strings", { where: { file: configFile, path: 'never_split' } });
    }
    tokenizer = new WordPieceTokenizer({
      vocab,
      doLowerCase: opt<boolean>('do_lower_case', 'boolean'),
      stripAccents: opt<boolean>('strip_accents', 'boolean', true) ?? null,
      tokenizeChineseChars: opt<boolean>('tokenize_chinese_chars', 'boolean'),
      doBasicTokenize: opt<boolean>('do_basic_tokenize', 'boolean'),
      neverSplit: neverSplit as string[] | undefined,
      specialTokens,
      additionalSpecialTokens: additional.map((s) => s.content),
      tokenFlags,
      extraTokens: extraTokens(added, file('added_tokens.json'), vocab.length, decoderTokens, (t, id) => vocab[id] === t),
      modelMaxLength,
      cleanUpTokenizationSpaces: cleanUp,
      paddingSide,
      truncationSide,
    });
  } else {
    const vocabFile = file('vocab.json');
    const mergesFile = file('merges.txt');
    const vocab = parseVocabJson(readFileSync(vocabFile, 'utf8'), vocabFile);
    if (!existsSync(mergesFile)) {
      throw new WorkbenchError('TOKENIZER_INVALID', 'missing merges.txt: a byte-level BPE tokenizer needs vocab.json and merges.txt', { where: { file: mergesFile } });
    }
    const merges = parseMerges(readFileSync(mergesFile, 'utf8'), mergesFile);
    const extra = extraTokens(added, file('added_tokens.json'), 0, decoderTokens, (t, id) => vocab[t] === id);
    const full = { ...vocab, ...extra };
    checkSpecialTokens(new Set(Object.keys(full)), specialTokens, vocabFile, added);
    const errors = opt<string>('errors', 'string');
    if (errors !== undefined && errors !== 'replace') {
      throw new WorkbenchError('TOKENIZER_INVALID', `errors '${errors}' is not supported; only 'replace' (invalid UTF-8 decodes to U+FFFD)`, {
        where: { file: configFile, path: 'errors' },
      });
    }
    tokenizer = new ByteLevelBpeTokenizer({
      vocab: full,
      merges,
      specialTokens,
      bosToken: bos?.content,
      eosToken: eos?.content,
      additionalSpecialTokens: additional.map((s) => s.content),
      tokenFlags,
      addPrefixSpace: opt<boolean>('add_prefix_space', 'boolean'),
      modelMaxLength,
      cleanUpTokenizationSpaces: cleanUp,
      paddingSide,
      truncationSide,
    });
  }
  return tokenizer;
}

function readJsonObject(path: string): Json | undefined {
  if (!existsSync(path)) return undefined;
  const data = parseJsonFile(readFileSync(path, 'utf8'), path);
  if (!isPlainObject(data)) {
    throw new WorkbenchError('TOKENIZER_INVALID', `expected a JSON object, got ${Array.isArray(data) ? 'an array' : JSON.stringify(data)}`, { where: { file: path } });
  }
  return data;
}

function detectKind(folder: string, config: Json): 'wordpiece' | 'byte-bpe' {
  const has = (name: string): boolean => existsSync(join(folder, name));
  const cls = config['tokenizer_class'];
  if (cls !== undefined && cls !== null) {
    const base = String(cls).replace(/Fast$/, '');
    if (WORDPIECE_CLASSES.includes(base) || BYTE_BPE_CLASSES.includes(base)) {
      const kind = WORDPIECE_CLASSES.includes(base) ? 'wordpiece' : 'byte-bpe';
      const needed = kind === 'wordpiece' ? 'vocab.txt' : 'vocab.json';
      if (!has(needed)) {
        throw new WorkbenchError('TOKENIZER_INVALID', `missing vocabulary file ${needed} (tokenizer_class ${String(cls)} needs it)`, {
          where: { file: join(folder, needed) },
          hint: has('tokenizer.json') ? 'only a fast tokenizer.json is present; save the slow tokenizer files with transformers (use_fast=False)' : undefined,
        });
      }
      return kind;
    }
    const supported = [...WORDPIECE_CLASSES, ...BYTE_BPE_CLASSES];
    throw new WorkbenchError('TOKENIZER_INVALID', `unsupported tokenizer_class '${String(cls)}'${didYouMeanSuffix(base, supported)}; supported: ${supported.join(', ')} (and their Fast variants)`, {
      where: { file: join(folder, 'tokenizer_config.json'), path: 'tokenizer_class' },
    });
  }
  if (has('vocab.txt')) return 'wordpiece';
  if (has('vocab.json')) return 'byte-bpe';
  throw new WorkbenchError('TOKENIZER_INVALID', 'missing vocabulary file: expected vocab.txt (WordPiece) or vocab.json + merges.txt (byte-level BPE)', {
    where: { file: folder },
    hint: has('tokenizer.json') ? 'only a fast tokenizer.json is present; save the slow tokenizer files with transformers (use_fast=False)' : undefined,
  });
}

/** A special token as a plain string or an AddedToken object ({content, lstrip, rstrip, ...}). */
function parseTokenValue(value: unknown, file: string, key: string): TokenSpec {
  if (typeof value === 'string') return { content: value };
  if (isPlainObject(value) && typeof value['content'] === 'string') {
    return { content: value['content'], flags: { lstrip: value['lstrip'] === true, rstrip: value['rstrip'] === true } };
  }
  throw new WorkbenchError('TOKENIZER_INVALID', `'${key}' must be a string or an AddedToken object with a 'content' string, got ${JSON.stringify(value)}`, {
    where: { file, path: key },
  });
}

function additionalSpecialTokens(specialMap: Json, config: Json, folder: string): TokenSpec[] {
  const fromMap = specialMap['additional_special_tokens'];
  const [value, name] = fromMap !== undefined && fromMap !== null ? [fromMap, 'special_tokens_map.json'] : [config['additional_special_tokens'], 'tokenizer_config.json'];
  if (value === undefined || value === null) return [];
  const file = join(folder, name);
  if (!Array.isArray(value)) {
    throw new WorkbenchError('TOKENIZER_INVALID', `'additional_special_tokens' must be a list, got ${JSON.stringify(value)}`, { where: { file, path: 'additional_special_tokens' } });
  }
  return value.map((v, i) => parseTokenValue(v, file, `additional_special_tokens[${i}]`));
}

interface DecoderToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
  special: boolean;
}

/** `added_tokens_decoder`: {"<id>": {content, lstrip, rstrip, special, ...}} (transformers >= 4.34). */
function addedTokensDecoder(config: Json, file: string): DecoderToken[] {
  const value = config['added_tokens_decoder'];
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) {
    throw new WorkbenchError('TOKENIZER_INVALID', "'added_tokens_decoder' must be an object mapping ids to AddedToken objects", { where: { file, path: 'added_tokens_decoder' } });
  }
  return Object.entries(value).map(([key, v]) => {
    const id = Number(key);
    const path = `added_tokens_decoder.${key}`;
    if (!Number.isInteger(id) || id < 0 || !isPlainObject(v) || typeof v['content'] !== 'string') {
      throw new WorkbenchError('TOKENIZER_INVALID', `expected an integer id mapping to an AddedToken object with a 'content' string, got ${JSON.stringify(key)}: ${JSON.stringify(v)}`, {
        where: { file, path },
      });
    }
    return { id, content: v['content'], lstrip: v['lstrip'] === true, rstrip: v['rstrip'] === true, special: v['special'] === true };
  });
}

/** Tokens beyond the base vocabulary: added_tokens.json, plus added_tokens_decoder entries the vocabulary lacks. */
function extraTokens(
  added: Json | undefined,
  addedFile: string,
  minId: number,
  decoder: readonly DecoderToken[],
  inBase: (token: string, id: number) => boolean,
): Record<string, number> | undefined {
  const out: Record<string, number> = added ? addedTokenIds(added, addedFile, minId) : {};
  for (const t of decoder) if (!inBase(t.content, t.id) && out[t.content] === undefined) out[t.content] = t.id;
  return Object.keys(out).length > 0 ? out : undefined;
}

function addedTokenIds(added: Json, file: string, minId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [token, id] of Object.entries(added)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < minId) {
      throw new WorkbenchError('TOKENIZER_INVALID', `added token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; expected an integer >= ${minId}`, {
        where: { file, path: JSON.stringify(token) },
      });
    }
    out[token] = id;
  }
  return out;
}

function checkSpecialTokens(known: ReadonlySet<string>, special: SpecialTokens, vocabFile: string, added: Json | undefined): void {
  const missing = (Object.entries(special) as [keyof SpecialTokens, string][]).filter(([, t]) => !known.has(t) && !(added && t in added));
  if (missing.length > 0) {
    throw new WorkbenchError('TOKENIZER_INVALID', `the vocabulary lacks the special token${missing.length > 1 ? 's' : ''} ${missing.map(([role, t]) => `${t} (${ROLE_KEYS[role]})`).join(', ')}`, {
      where: { file: vocabFile },
      details: { missing: missing.map(([, t]) => t) },
    });
  }
}
