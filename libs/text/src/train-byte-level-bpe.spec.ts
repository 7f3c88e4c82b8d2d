import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@workbench/core';
import { loadTokenizer } from './load-tokenizer.ts';
import { saveTokenizer } from './save-tokenizer.ts';
import { trainByteLevelBpe } from './train-byte-level-bpe.ts';
import { formatMerges } from './vocab-files.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/hf/roberta-tiny/', import.meta.url));
const corpus = [
  'The quick brown fox jumps over the lazy dog.',
  'The dog sleeps; the fox runs over the hill.',
  "It's a café, and they're déjà vu fans.",
  'Send an e-mail to a.b@c.d before 3.14 pm!',
  '我爱自然语言处理。 <mask> is a special token.',
  ...Array.from({ length: 40 }, (_, i) => `the ${['fox', 'dog', 'cat'][i % 3]} number ${i} jumps over the ${['lazy', 'quick'][i % 2]} dog`),
];

describe('trainByteLevelBpe', () => {
  it('lays the vocabulary out like the fixture: <s> <pad> </s> <unk>, the 256 bytes in the same order, merges, <mask> last', () => {
    const { vocab, merges } = trainByteLevelBpe(corpus, { vocabSize: 400, minFrequency: 1 });
    const fixture = JSON.parse(readFileSync(`${FIXTURE}vocab.json`, 'utf8')) as Record<string, number>;
    const byId = (v: Record<string, number>) => Object.entries(v).sort((a, b) => a[1] - b[1]).map(([t]) => t);
    expect(byId(vocab).slice(0, 260)).toEqual(byId(fixture).slice(0, 260));
    expect(Object.keys(vocab)).toHaveLength(400);
    expect(vocab['<mask>']).toBe(399);
    // Every merge result is a vocabulary entry; the first merge is the most frequent pair (h e: every "the",
    // with or without a space before it, where Ġ t misses the sentence-initial ones).
    for (const [a, b] of merges) expect(vocab[a + b]).toBeDefined();
    expect(merges[0]).toEqual(['h', 'e']);
  });

  it('is deterministic whatever the order of the texts', () => {
    const a = trainByteLevelBpe(corpus, { vocabSize: 350 });
    const b = trainByteLevelBpe(createRng(3).shuffle(corpus.slice()), { vocabSize: 350 });
    expect(formatMerges(b.merges)).toBe(formatMerges(a.merges));
    expect(b.vocab).toEqual(a.vocab);
  });

  it('gives a tokenizer that round-trips any text and never produces <unk>', () => {
    const { tokenizer } = trainByteLevelBpe(corpus, { vocabSize: 400 });
    // (A text with a literal <mask> is left out: <mask> eats the space before it, as in RoBERTa.)
    for (const t of [...corpus.filter((c) => !c.includes('<mask>')), 'ünïcödé 🙂 and \u0000 bytes', 'Zorblax']) {
      const ids = tokenizer.encode(t, { addSpecialTokens: false }).inputIds;
      expect(ids).not.toContain(tokenizer.unkId);
      expect(tokenizer.decode(ids, { cleanUpTokenizationSpaces: false })).toBe(t);
    }
    expect(tokenizer.tokenize('the fox')).toEqual(['the', 'Ġfox']);
    expect(tokenizer.tokenize('a <mask> b')).toEqual(['a', '<mask>', 'Ġb']);
  });

  it('saves a folder that loads back with the same ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-bbpe-'));
    try {
      const { tokenizer } = trainByteLevelBpe(corpus, { vocabSize: 400, addPrefixSpace: true, modelMaxLength: 64 });
      saveTokenizer(tokenizer, dir);
      const back = loadTokenizer(dir);
      expect(back.modelMaxLength).toBe(64);
      for (const t of corpus) expect(back.encode(t).inputIds).toEqual(tokenizer.encode(t).inputIds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a vocabulary too small for the bytes, and bad options', () => {
    expect(() => trainByteLevelBpe(corpus, { vocabSize: 100 })).toThrow(/vocabSize must be an integer of at least 261/);
    expect(() => trainByteLevelBpe(corpus, { maskToken: '<s>' })).toThrow(/must be distinct/);
    expect(() => trainByteLevelBpe(corpus, { vocabsize: 300 } as never)).toThrow(/unknown key 'vocabsize'/);
  });
});
