import { fileURLToPath } from 'node:url';
import { describeTokenizer } from './describe-tokenizer.ts';
import { loadTokenizer } from './load-tokenizer.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

const HF = fileURLToPath(new URL('../../../fixtures/hf/', import.meta.url));

describe('describeTokenizer', () => {
  it('describes both fixtures with a stable fingerprint', () => {
    const bert = describeTokenizer(loadTokenizer(`${HF}bert-tiny`));
    expect(bert).toMatchObject({ kind: 'wordpiece', vocabSize: 332, modelMaxLength: 64, doLowerCase: true, stripAccents: null });
    expect(bert.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(describeTokenizer(loadTokenizer(`${HF}bert-tiny`)).fingerprint).toBe(bert.fingerprint);
    const roberta = describeTokenizer(loadTokenizer(`${HF}roberta-tiny`));
    expect(roberta).toMatchObject({ kind: 'byte-bpe', vocabSize: 561, merges: 300, addPrefixSpace: false });
    expect(roberta.fingerprint).not.toBe(bert.fingerprint);
  });

  it('changes the fingerprint when anything that decides the ids changes', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', '##b'];
    const fp = (t: WordPieceTokenizer) => describeTokenizer(t).fingerprint;
    const ref = fp(new WordPieceTokenizer({ vocab }));
    expect(fp(new WordPieceTokenizer({ vocab }))).toBe(ref);
    expect(fp(new WordPieceTokenizer({ vocab: [...vocab, 'c'] }))).not.toBe(ref);
    expect(fp(new WordPieceTokenizer({ vocab: [vocab[0], vocab[1], vocab[2], vocab[3], vocab[4], '##b', 'a'] as string[] }))).not.toBe(ref);
    expect(fp(new WordPieceTokenizer({ vocab, doLowerCase: false }))).not.toBe(ref);
    expect(fp(new WordPieceTokenizer({ vocab, stripAccents: false }))).not.toBe(ref);
    // The length limit does not change ids, so it is reported but not hashed.
    expect(fp(new WordPieceTokenizer({ vocab, modelMaxLength: 12 }))).toBe(ref);
  });
});
