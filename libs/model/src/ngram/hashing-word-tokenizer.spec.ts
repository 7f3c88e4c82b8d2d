import { HashingWordTokenizer, padIds } from './hashing-word-tokenizer.ts';

describe('HashingWordTokenizer', () => {
  it('lower-cases, splits on non-word characters and hashes words deterministically into [5, vocabSize)', () => {
    const tok = new HashingWordTokenizer({ vocabSize: 1000 });
    expect(tok.tokenize("GTK+ 3.0's Zero_Install, déjà-vu")).toEqual(['gtk', '3', '0', 's', 'zero_install', 'déjà', 'vu']);
    const ids = tok.encode('The the THE cat');
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    for (const id of tok.encode('a quick brown fox jumps over the lazy dog 42 times')) {
      expect(id).toBeGreaterThanOrEqual(5);
      expect(id).toBeLessThan(1000);
    }
    // Stable across instances and runs (no trained state): a pinned value guards the hash.
    expect(new HashingWordTokenizer({ vocabSize: 1000 }).wordId('debian')).toBe(tok.wordId('debian'));
    expect(tok.wordId('debian')).toBe(8); // 5 + murmur-finalised FNV-1a('debian') mod 995, computed independently
  });

  it('truncates to maxLength words and pads a batch to its longest row or to padTo', () => {
    const tok = new HashingWordTokenizer({ vocabSize: 1000, maxLength: 3 });
    expect(tok.encode('one two three four five')).toHaveLength(3);
    const b = tok.encodeBatch(['one two', 'one', '']);
    expect([b.batch, b.length]).toEqual([3, 2]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(b.inputIds[3]).toBe(0);
    const fixed = tok.encodeBatch(['one two'], { padTo: 5 });
    expect(fixed.length).toBe(5);
    expect(() => padIds([Int32Array.from([7, 8, 9])], 0, 2)).toThrow(/padTo 2 is shorter than the longest row \(3\)/);
  });

  it('rejects bad configs with the path', () => {
    expect(() => new HashingWordTokenizer({ vocabSize: 3 })).toThrow(/tokenizer.vocabSize: vocabSize must be an integer > 5, got 3/);
    expect(() => new HashingWordTokenizer({ vocabSise: 3 } as never)).toThrow(/did you mean 'vocabSize'/);
  });
});
