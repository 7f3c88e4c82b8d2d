import type { DatasetRow } from '@workbench/core';
import { RowValidator } from './row-validator.ts';
import { generateSyntheticCorpus, syntheticWord } from './synthetic-corpus.ts';

function labelFrequencies(rows: DatasetRow[], labels: string[]): number[] {
  return labels.map((l) => rows.filter((r) => (r['labels'] as string[]).includes(l)).length / rows.length);
}

function words(rows: { text: string }[]): Set<string> {
  return new Set(rows.flatMap((r) => r.text.split(' ')));
}

describe('generateSyntheticCorpus', () => {
  it('is seeded: same seed, same corpus and digest; another seed, another corpus', () => {
    const a = generateSyntheticCorpus({ seed: 7 });
    const b = generateSyntheticCorpus({ seed: 7 });
    const c = generateSyntheticCorpus({ seed: 8 });
    expect(b.splits['source']?.rows).toEqual(a.splits['source']?.rows);
    expect(b.digest).toBe(a.digest);
    expect(c.splits['source']?.rows[0]?.text).not.toBe(a.splits['source']?.rows[0]?.text);
    expect(c.digest).not.toBe(a.digest);
  });

  it('has the loader shape: splits, one multi-label task with the asked number of labels, valid canonical rows', () => {
    const ds = generateSyntheticCorpus({ labels: 10, sourceRows: 50, targetTrainRows: 20, targetTestRows: 30 });
    expect(ds.splitNames).toEqual(['source', 'target_train', 'target_test']);
    expect(ds.splits['target_test']?.rows).toHaveLength(30);
    expect(ds.tasks[0]?.labels).toHaveLength(10);
    const v = new RowValidator(ds.card);
    for (const s of ds.splitNames) for (const r of ds.splits[s]?.rows ?? []) expect(v.check(r, undefined).ok).toBe(true);
    expect(ds.validation.rowsKept).toBe(100);
  });

  it('labelPriorShift 0 keeps the priors; 1 changes them, and the data follow', () => {
    const same = generateSyntheticCorpus({ labelPriorShift: 0, sourceCooccurrence: 0, targetCooccurrence: 0 });
    expect(same.truth.priors.target).toEqual(same.truth.priors.source);
    const shifted = generateSyntheticCorpus({ labelPriorShift: 1, sourceRows: 3000, targetTrainRows: 3000, sourceCooccurrence: 0, targetCooccurrence: 0 });
    const gap = shifted.truth.priors.source.reduce((a, p, l) => a + Math.abs(p - (shifted.truth.priors.target[l] as number)), 0);
    expect(gap).toBeGreaterThan(0.3);
    const fs = labelFrequencies(shifted.splits['source']?.rows ?? [], shifted.truth.labels);
    const ft = labelFrequencies(shifted.splits['target_train']?.rows ?? [], shifted.truth.labels);
    // Empirical frequencies track the priors (3000 rows: sd < 0.01).
    fs.forEach((f, l) => expect(Math.abs(f - (shifted.truth.priors.source[l] as number))).toBeLessThan(0.03));
    ft.forEach((f, l) => expect(Math.abs(f - (shifted.truth.priors.target[l] as number))).toBeLessThan(0.03));
  });

  it('vocabularyShift 0 shares every word; 1 makes the background and label words disjoint', () => {
    const none = generateSyntheticCorpus({ vocabularyShift: 0 });
    expect(none.truth.backgroundWords.target).toEqual(none.truth.backgroundWords.source);
    expect(none.truth.labelWords.target).toEqual(none.truth.labelWords.source);
    const full = generateSyntheticCorpus({ vocabularyShift: 1 });
    const src = words(full.splits['source']?.rows ?? []);
    const tgt = words(full.splits['target_test']?.rows ?? []);
    expect([...tgt].filter((w) => src.has(w))).toEqual([]);
    const half = generateSyntheticCorpus({ vocabularyShift: 0.5, vocabSize: 100 });
    expect(half.truth.backgroundWords.target.filter((w) => half.truth.backgroundWords.source.includes(w))).toHaveLength(50);
  });

  it('label co-occurrence differs between domains as asked', () => {
    const ds = generateSyntheticCorpus({ sourceCooccurrence: 1, targetCooccurrence: 0, sourceRows: 2000, targetTrainRows: 2000, labelPriorShift: 0 });
    const both = (rows: DatasetRow[], a: string, b: string) => rows.filter((r) => (r['labels'] as string[]).includes(a) && (r['labels'] as string[]).includes(b)).length;
    const only = (rows: DatasetRow[], a: string, b: string) => rows.filter((r) => (r['labels'] as string[]).includes(a) !== (r['labels'] as string[]).includes(b)).length;
    const src = ds.splits['source']?.rows ?? [];
    const tgt = ds.splits['target_train']?.rows ?? [];
    expect(only(src, 'label_00', 'label_01')).toBe(0);
    expect(both(src, 'label_00', 'label_01')).toBeGreaterThan(0);
    expect(only(tgt, 'label_00', 'label_01')).toBeGreaterThan(both(tgt, 'label_00', 'label_01'));
  });

  it('texts carry the label signal: indicative words appear only with their labels', () => {
    const ds = generateSyntheticCorpus({ vocabularyShift: 0 });
    const w0 = new Set(ds.truth.labelWords.source[0]);
    for (const r of ds.splits['source']?.rows ?? []) {
      if (r.text.split(' ').some((w) => w0.has(w))) expect(r['labels']).toContain('label_00');
    }
  });

  it('is fast: 2000 documents in well under 2 s even on a loaded shared machine (about 0.1 s idle)', () => {
    const t0 = performance.now();
    const ds = generateSyntheticCorpus({ sourceRows: 1000, targetTrainRows: 500, targetTestRows: 500, labels: 20 });
    expect(ds.validation.rowsKept).toBe(2000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('rejects unknown keys and out-of-range knobs', () => {
    expect(() => generateSyntheticCorpus({ lables: 3 } as never)).toThrow("unknown key 'lables' (did you mean 'labels'?)");
    expect(() => generateSyntheticCorpus({ labelPriorShift: 2 })).toThrow('labelPriorShift must be in [0, 1], got 2');
  });

  it('syntheticWord is one-to-one', () => {
    const ws = Array.from({ length: 5000 }, (_, i) => syntheticWord(i * 68));
    expect(new Set(ws).size).toBe(5000);
    expect(syntheticWord(0)).toBe('bababa');
  });
});
