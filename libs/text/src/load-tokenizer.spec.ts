import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWorkbenchError, type WorkbenchError } from '@workbench/core';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.ts';
import { loadTokenizer } from './load-tokenizer.ts';
import { saveTokenizer } from './save-tokenizer.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

const HF = fileURLToPath(new URL('../../../fixtures/hf/', import.meta.url));
const BERT = join(HF, 'bert-tiny');
const ROBERTA = join(HF, 'roberta-tiny');

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'wb-text-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture's tokenizer files in a temporary folder, to be damaged by a test. */
function copyOf(src: string, files: string[]): string {
  const dir = join(tmp, 'tok');
  for (const f of files) cpSync(join(src, f), join(dir, f));
  return dir;
}
const BERT_FILES = ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
const ROBERTA_FILES = ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

function caught(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    if (isWorkbenchError(e)) return e;
    throw e;
  }
  throw new Error('expected a WorkbenchError, nothing was thrown');
}

describe('loadTokenizer on the Hugging Face fixtures', () => {
  it('loads bert-tiny as a lower-casing WordPiece tokenizer that reproduces the fixture', () => {
    const tok = loadTokenizer(BERT);
    expect(tok).toBeInstanceOf(WordPieceTokenizer);
    expect(tok.modelMaxLength).toBe(64);
    const expected = JSON.parse(readFileSync(join(BERT, 'expected.json'), 'utf8'));
    const batch = tok.encodeBatch(expected.texts, { maxLength: 16, padding: 'max_length' });
    expect(batch.inputIds).toEqual(expected.batch.input_ids);
    expect(tok.encode(expected.pair_example.text_a, { pair: expected.pair_example.text_b, maxLength: 16 }).tokenTypeIds).toEqual(
      expected.pair_example.token_type_ids,
    );
  });

  it('loads roberta-tiny with AddedToken special tokens (<mask> lstrip) and reproduces the fixture', () => {
    const tok = loadTokenizer(ROBERTA);
    expect(tok).toBeInstanceOf(ByteLevelBpeTokenizer);
    expect(tok.addedTokens.find((t) => t.content === '<mask>')).toEqual({ content: '<mask>', lstrip: true, rstrip: false });
    const expected = JSON.parse(readFileSync(join(ROBERTA, 'expected.json'), 'utf8'));
    expect(tok.encodeBatch(expected.texts, { maxLength: 16, padding: 'max_length' }).inputIds).toEqual(expected.batch.input_ids);
    expect(tok.encode(expected.special_token_example.text).inputIds).toEqual(expected.special_token_example.input_ids);
  });

  it('truncates to model_max_length (64) when truncation is asked without a length', () => {
    const tok = loadTokenizer(BERT);
    expect(tok.encode('dog '.repeat(200), { truncation: true }).inputIds).toHaveLength(64);
  });
});

describe('saveTokenizer', () => {
  it('writes bert-tiny files byte-identical to what transformers wrote', () => {
    const out = join(tmp, 'bert');
    saveTokenizer(loadTokenizer(BERT), out);
    for (const f of BERT_FILES) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(BERT, f), 'utf8'));
  });

  it('writes roberta-tiny config files byte-identical to transformers, and a vocab.json with the same content', () => {
    const out = join(tmp, 'roberta');
    saveTokenizer(loadTokenizer(ROBERTA), out);
    for (const f of ['tokenizer_config.json', 'special_tokens_map.json', 'merges.txt']) {
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(ROBERTA, f), 'utf8'));
    }
    expect(JSON.parse(readFileSync(join(out, 'vocab.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(ROBERTA, 'vocab.json'), 'utf8')));
  });

  it('round-trips a tokenizer built in code, with no length limit', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b', '##b', 'é'];
    const tok = new WordPieceTokenizer({ vocab, doLowerCase: false, stripAccents: false });
    saveTokenizer(tok, join(tmp, 'x'));
    expect(readFileSync(join(tmp, 'x', 'tokenizer_config.json'), 'utf8')).toContain('"model_max_length": 1000000000000000019884624838656');
    const back = loadTokenizer(join(tmp, 'x'));
    expect(back.modelMaxLength).toBeUndefined();
    expect(back.tokenize('ab A é')).toEqual(['a', '##b', '[UNK]', 'é']);
  });
});

describe('loadTokenizer bad input: clear TOKENIZER_INVALID errors naming the file', () => {
  it('a folder that does not exist', () => {
    const e = caught(() => loadTokenizer(join(tmp, 'nope')));
    expect(e.code).toBe('TOKENIZER_INVALID');
    expect(e.where?.file).toBe(join(tmp, 'nope'));
  });

  it('a folder without a vocabulary file, with a hint when only tokenizer.json exists', () => {
    const e = caught(() => loadTokenizer(tmp));
    expect(e.message).toMatch(/missing vocabulary file: expected vocab.txt \(WordPiece\) or vocab.json \+ merges.txt/);
    writeFileSync(join(tmp, 'tokenizer.json'), '{}');
    expect(caught(() => loadTokenizer(tmp)).hint).toMatch(/fast tokenizer.json/);
  });

  it('a tokenizer_class whose vocabulary file is missing', () => {
    const dir = copyOf(BERT, ['tokenizer_config.json']);
    const e = caught(() => loadTokenizer(dir));
    expect(e.message).toMatch(/missing vocabulary file vocab.txt \(tokenizer_class BertTokenizer needs it\)/);
    expect(e.where?.file).toBe(join(dir, 'vocab.txt'));
  });

  it('a vocabulary lacking [UNK] and [CLS]', () => {
    const dir = copyOf(BERT, BERT_FILES);
    const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
    writeFileSync(join(dir, 'vocab.txt'), lines.map((l) => (l === '[UNK]' ? '[UNUSED1]' : l === '[CLS]' ? '[UNUSED2]' : l)).join('\n'));
    const e = caught(() => loadTokenizer(dir));
    expect(e.code).toBe('TOKENIZER_INVALID');
    expect(e.where?.file).toBe(join(dir, 'vocab.txt'));
    expect(e.message).toMatch(/lacks the special tokens \[UNK\] \(unk_token\), \[CLS\] \(cls_token\)/);
  });

  it('a byte-level vocabulary lacking <mask>', () => {
    const dir = copyOf(ROBERTA, ROBERTA_FILES);
    const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8'));
    delete vocab['<mask>'];
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    const e = caught(() => loadTokenizer(dir));
    expect(e.message).toMatch(/lacks the special token <mask> \(mask_token\)/);
    expect(e.where?.file).toBe(join(dir, 'vocab.json'));
  });

  it('an empty vocab.txt', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'vocab.txt'), '');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/vocab.txt: the vocabulary is empty/);
  });

  it('a malformed merges line, with its line number', () => {
    const dir = copyOf(ROBERTA, ROBERTA_FILES);
    const lines = readFileSync(join(dir, 'merges.txt'), 'utf8').split('\n');
    lines[4] = 'Ġt he x';
    writeFileSync(join(dir, 'merges.txt'), lines.join('\n'));
    const e = caught(() => loadTokenizer(dir));
    expect(e.where).toEqual({ file: join(dir, 'merges.txt'), line: 5 });
    expect(e.message).toMatch(/merges.txt:5: malformed merge rule "Ġt he x": expected two symbols separated by a space, found 3/);
  });

  it('a missing merges.txt', () => {
    const dir = copyOf(ROBERTA, ['vocab.json', 'tokenizer_config.json']);
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/missing merges.txt/);
  });

  it('malformed JSON, with line and column', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{\n  "do_lower_case": true,\n  "model_max_length": 64,,\n}\n');
    const e = caught(() => loadTokenizer(dir));
    expect(e.code).toBe('TOKENIZER_INVALID');
    expect(e.where?.file).toBe(join(dir, 'tokenizer_config.json'));
    expect(e.where?.line).toBe(3);
    expect(e.message).toMatch(/malformed JSON/);
  });

  it('a vocab.json that is not an object of integer ids', () => {
    const dir = copyOf(ROBERTA, ROBERTA_FILES);
    writeFileSync(join(dir, 'vocab.json'), '["<s>"]');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/vocab.json: expected an object mapping tokens to ids, got an array/);
    writeFileSync(join(dir, 'vocab.json'), '{"<s>": 0, "x": 1.5}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/token "x" has id 1.5/);
  });

  it('an unsupported tokenizer_class', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"tokenizer_class": "BertTokeniser"}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/did you mean 'BertTokenizer'/);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"tokenizer_class": "T5Tokenizer"}');
    const e = caught(() => loadTokenizer(dir));
    expect(e.message).toMatch(/unsupported tokenizer_class 'T5Tokenizer'.*; supported: BertTokenizer/);
    expect(e.where?.path).toBe('tokenizer_class');
  });

  it('an option of the wrong type, and a special token that is neither a string nor an AddedToken', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"do_lower_case": "yes"}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/tokenizer_config.json: do_lower_case: 'do_lower_case' must be a boolean, got "yes"/);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
    writeFileSync(join(dir, 'special_tokens_map.json'), '{"unk_token": 3}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/special_tokens_map.json: unk_token: 'unk_token' must be a string or an AddedToken/);
  });

  it('reads padding_side and truncation_side, rejects other values, and writes them back', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"padding_side": "left", "truncation_side": "left"}');
    const tok = loadTokenizer(dir);
    expect(tok.encode('the dog', { maxLength: 5, padding: 'max_length' }).inputIds).toEqual([0, 2, 111, 118, 3]);
    expect(tok.encode('the quick brown fox', { maxLength: 3 }).tokens).toEqual(['[CLS]', 'fox', '[SEP]']);
    saveTokenizer(tok, join(tmp, 'back'));
    expect(loadTokenizer(join(tmp, 'back')).paddingSide).toBe('left');
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"padding_side": "top"}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/'padding_side' must be 'right' or 'left', got "top"/);
  });

  it('special_tokens_map.json overrides tokenizer_config.json, as in transformers', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'special_tokens_map.json'), '{"mask_token": "[PAD]"}');
    expect(loadTokenizer(dir).maskId).toBe(0);
  });

  it('reads the added_tokens_decoder of newer transformers (flags and extra tokens)', () => {
    const dir = copyOf(ROBERTA, ['vocab.json', 'merges.txt']);
    // transformers >= 4.34 style: plain-string special tokens, flags in added_tokens_decoder.
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({
        tokenizer_class: 'RobertaTokenizer',
        mask_token: '<mask>',
        added_tokens_decoder: {
          '560': { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false, special: true },
          '561': { content: '<ent>', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
        },
      }),
    );
    const tok = loadTokenizer(dir);
    const expected = JSON.parse(readFileSync(join(ROBERTA, 'expected.json'), 'utf8'));
    expect(tok.encode(expected.special_token_example.text).inputIds).toEqual(expected.special_token_example.input_ids);
    expect(tok.vocabSize).toBe(562);
    expect(tok.encode('a <ent> b', { addSpecialTokens: false }).tokens).toContain('<ent>');
    expect(tok.specialIds.has(561)).toBe(true);
    expect(tok.decode(tok.encode('dog <ent>').inputIds, { skipSpecialTokens: true })).toBe('dog ');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ added_tokens_decoder: { x: { content: 1 } } }));
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/added_tokens_decoder.x: expected an integer id/);
  });

  it('reads added_tokens.json: the tokens are kept whole and get their ids', () => {
    const dir = copyOf(BERT, BERT_FILES);
    writeFileSync(join(dir, 'added_tokens.json'), '{"<ent>": 332}');
    const tok = loadTokenizer(dir);
    expect(tok.vocabSize).toBe(333);
    expect(tok.tokenize('the <ENT> dog')).toEqual(['the', '<ent>', 'dog']);
    expect(tok.encode('the <ent> dog').inputIds).toEqual([2, 111, 332, 118, 3]);
    writeFileSync(join(dir, 'added_tokens.json'), '{"<ent>": 3}');
    expect(caught(() => loadTokenizer(dir)).message).toMatch(/added token "<ent>" has id 3; expected an integer >= 332/);
  });
});
