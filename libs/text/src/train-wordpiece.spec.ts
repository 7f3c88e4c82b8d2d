import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@workbench/core';
import { loadTokenizer } from './load-tokenizer.ts';
import { saveTokenizer, saveVocab } from './save-tokenizer.ts';
import { trainWordPiece } from './train-wordpiece.ts';

/** A deterministic synthetic corpus: Zipf-distributed words built from syllables, with punctuation and case. */
function syntheticCorpus(n: number, seed = 1, lexiconSize = 3000): string[] {
  const rng = createRng(seed);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'der', 'ing', 'tion', 'un', 'é', 'bra', 'sko', 'wy', 'fen', 'gor', 'ht', 'ja', 'ox'];
  const lexicon = Array.from({ length: lexiconSize }, () => Array.from({ length: 1 + rng.int(5) }, () => rng.choice(syllables)).join(''));
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < lexicon.length; i++) cum.push((total += 1 / (i + 1)));
  const word = (): string => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lexicon[lo] as string;
  };
  return Array.from({ length: n }, () => {
    const words = Array.from({ length: 5 + rng.int(20) }, word);
    words[0] = (words[0] as string).toUpperCase();
    return `${words.join(' ')}${rng.choice(['.', '!', '?', ', ok.'])}`;
  });
}

describe('trainWordPiece', () => {
  const corpus = syntheticCorpus(600);

  it('puts the special tokens first, then the characters, then the ## characters, then merged pieces', () => {
    const { vocab, stats } = trainWordPiece(corpus, { vocabSize: 300 });
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab).toHaveLength(300);
    const alphabet = vocab.slice(5, 5 + stats.alphabet);
    expect(alphabet).toEqual([...alphabet].sort());
    expect(alphabet.every((t) => Array.from(t).length === 1)).toBe(true);
    expect(vocab.slice(5 + stats.alphabet, 5 + 2 * stats.alphabet)).toEqual(alphabet.map((c) => `##${c}`));
    expect(new Set(vocab).size).toBe(vocab.length);
    // Lower-cased and accent-stripped like an uncased BERT: no capitals, no é.
    expect(vocab.slice(5).some((t) => /[A-Zé]/.test(t))).toBe(false);
  });

  it('is deterministic: the same corpus gives a byte-identical vocab.txt, whatever the order of the texts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-wp-'));
    try {
      const a = trainWordPiece(corpus, { vocabSize: 400 });
      const b = trainWordPiece(corpus, { vocabSize: 400 });
      const shuffled = createRng(7).shuffle(corpus.slice());
      const c = trainWordPiece(shuffled, { vocabSize: 400 });
      saveVocab(a.vocab, join(dir, 'a.txt'));
      saveVocab(b.vocab, join(dir, 'b.txt'));
      saveVocab(c.vocab, join(dir, 'c.txt'));
      const text = readFileSync(join(dir, 'a.txt'), 'utf8');
      expect(text.split('\n')).toHaveLength(401);
      expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe(text);
      expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('learns the frequent words whole and tokenizes its corpus without [UNK]', () => {
    const { tokenizer } = trainWordPiece(corpus, { vocabSize: 2000 });
    const tokens = corpus.slice(0, 50).flatMap((t) => tokenizer.tokenize(t));
    expect(tokens).not.toContain('[UNK]');
    // The ten most frequent corpus words are single tokens.
    const freq = new Map<string, number>();
    for (const t of corpus) for (const w of tokenizer.basic.tokenize(t)) freq.set(w, (freq.get(w) ?? 0) + 1);
    const top = [...freq.entries()].sort((x, y) => y[1] - x[1]).slice(0, 10).map(([w]) => w);
    for (const w of top) expect(tokenizer.tokenize(w)).toEqual([w]);
  });

  it('breaks ties by the smaller pair in code-point order', () => {
    // "ab" and "cd" each occur 3 times; "ab" wins the tie, then "cd".
    const { vocab } = trainWordPiece(['ab cd ab cd ab cd'], { vocabSize: 15, minFrequency: 1 });
    expect(vocab.slice(5)).toEqual(['a', 'b', 'c', 'd', '##a', '##b', '##c', '##d', 'ab', 'cd']);
  });

  it('stops at minFrequency', () => {
    const { vocab, stats } = trainWordPiece(['xy xy zw'], { vocabSize: 100, minFrequency: 2 });
    expect(stats.merges).toBe(1);
    expect(vocab[vocab.length - 1]).toBe('xy');
  });

  it('merges continuation pieces with ## and reuses a piece reached by two merge paths', () => {
    const { vocab } = trainWordPiece(['abc abc abc bc bc bc bc'], { vocabSize: 100, minFrequency: 1 });
    expect(vocab).toContain('##bc');
    expect(vocab).toContain('abc');
    expect(new Set(vocab).size).toBe(vocab.length);
  });

  it('keeps special tokens in the text out of the vocabulary statistics', () => {
    const { vocab } = trainWordPiece(['hello [MASK] hello [SEP]'], { vocabSize: 100, minFrequency: 1 });
    expect(vocab.filter((t) => t === '[MASK]')).toHaveLength(1);
    expect(vocab).not.toContain('mask');
  });

  it('limits the alphabet to the most frequent characters', () => {
    const { vocab, stats } = trainWordPiece(['aaa bbb c'], { vocabSize: 50, minFrequency: 1, limitAlphabet: 2 });
    expect(stats.alphabet).toBe(2);
    expect(vocab.slice(5, 9)).toEqual(['a', 'b', '##a', '##b']);
  });

  it('rejects bad configs clearly', () => {
    expect(() => trainWordPiece(corpus, { vocabSize: 10 })).toThrow(/vocabSize 10 is smaller than the 5 special tokens plus/);
    expect(() => trainWordPiece(corpus, { vocabSize: 0 })).toThrow(/vocabSize must be a positive integer/);
    expect(() => trainWordPiece(corpus, { specialTokens: ['[PAD]'] })).toThrow(/specialTokens must list at least 5 distinct tokens/);
    expect(() => trainWordPiece(corpus, { vocabsize: 10 } as never)).toThrow(/unknown key 'vocabsize'.*vocabSize/);
  });

  it('saves a tokenizer that loads back identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-wp-'));
    try {
      const { tokenizer } = trainWordPiece(corpus, { vocabSize: 500, modelMaxLength: 128 });
      saveTokenizer(tokenizer, dir);
      const back = loadTokenizer(dir);
      expect(back.modelMaxLength).toBe(128);
      for (const t of corpus.slice(0, 20)) expect(back.encode(t).inputIds).toEqual(tokenizer.encode(t).inputIds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trains on 10,000 texts in a few seconds', () => {
    const big = syntheticCorpus(10_000, 2, 40_000);
    const cpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const t0 = performance.now();
    const c0 = cpu();
    const { vocab, stats } = trainWordPiece(big, { vocabSize: 8000 });
    const cpuMs = cpu() - c0;
    const ms = performance.now() - t0;
    console.log(`trainWordPiece: ${big.length} texts, ${stats.distinctWords} distinct words, ${stats.merges} merges, ${vocab.length} tokens in ${cpuMs.toFixed(0)} ms CPU (${ms.toFixed(0)} ms wall)`);
    expect(vocab.length).toBe(8000);
    // CPU time, so that other jobs on the machine do not make it flaky (measured ~1-2 s); a quadratic
    // regression would take minutes.
    expect(cpuMs).toBeLessThan(10_000);
  });
});
