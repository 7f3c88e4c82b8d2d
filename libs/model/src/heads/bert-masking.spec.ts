import { createRng } from '@workbench/core';
import { maskTokens, type MaskingVocabulary } from './bert-masking.ts';

const vocab: MaskingVocabulary = { vocabSize: 50, maskId: 4, padId: 0, specialIds: new Set([0, 1, 2, 3, 4]) };

/** A batch of rows [CLS] w w ... [SEP] [PAD]...; returns ids and mask. */
function batch(rows: number, length: number, rng = createRng('batch')): { ids: Int32Array; mask: Float32Array } {
  const ids = new Int32Array(rows * length);
  const mask = new Float32Array(rows * length);
  for (let r = 0; r < rows; r++) {
    const n = 4 + rng.int(length - 4);
    for (let t = 0; t < n; t++) {
      ids[r * length + t] = t === 0 ? 2 : t === n - 1 ? 3 : 5 + rng.int(45);
      mask[r * length + t] = 1;
    }
  }
  return { ids, mask };
}

describe('maskTokens (BERT masking)', () => {
  it('selects ~15% of maskable tokens; of those ~80% [MASK], ~10% random, ~10% kept; labels -100 elsewhere', () => {
    const { ids, mask } = batch(400, 64);
    const rng = createRng('masking');
    let maskable = 0;
    let selected = 0;
    let masked = 0;
    let random = 0;
    let kept = 0;
    let violations = 0;
    for (let draw = 0; draw < 10; draw++) {
      const out = maskTokens(ids, vocab, rng, { attentionMask: mask });
      for (let i = 0; i < ids.length; i++) {
        const special = vocab.specialIds.has(ids[i] as number);
        if (!special) maskable++;
        if (out.labels[i] === -100) {
          if (out.inputIds[i] !== ids[i]) violations++;
          continue;
        }
        selected++;
        if (out.labels[i] !== ids[i] || special) violations++;
        if (out.inputIds[i] === vocab.maskId) masked++;
        else if (out.inputIds[i] === ids[i]) kept++;
        else {
          random++;
          if (vocab.specialIds.has(out.inputIds[i] as number)) violations++;
        }
      }
    }
    expect(violations).toBe(0);
    // ~88k maskable tokens: binomial standard errors are ~0.1% for 15%, ~0.4% for 80%, ~0.3% for 10%.
    expect(Math.abs(selected / maskable - 0.15)).toBeLessThan(0.005);
    expect(Math.abs(masked / selected - 0.8)).toBeLessThan(0.015);
    // A random draw equal to the original id counts as "kept": expected 10% x 1/45 moves from random to kept.
    expect(Math.abs(random / selected - 0.1 * (44 / 45))).toBeLessThan(0.012);
    expect(Math.abs(kept / selected - (0.1 + 0.1 / 45))).toBeLessThan(0.012);
  });

  it('never selects special or padding tokens, nor positions outside the attention mask', () => {
    const { ids, mask } = batch(200, 32);
    // An unmasked position holding a word id (e.g. a truncated tail) must not be selected either.
    ids[31] = 17;
    const out = maskTokens(ids, vocab, createRng('special'), { attentionMask: mask, config: { probability: 1 } });
    let wrong = 0;
    let selected = 0;
    for (let i = 0; i < ids.length; i++) {
      const protectedPos = vocab.specialIds.has(ids[i] as number) || mask[i] === 0;
      if (protectedPos && (out.labels[i] !== -100 || out.inputIds[i] !== ids[i])) wrong++;
      if (!protectedPos && out.labels[i] !== ids[i]) wrong++;
      if (!protectedPos) selected++;
    }
    expect(wrong).toBe(0);
    expect(selected).toBeGreaterThan(1000); // probability 1: every maskable token was selected
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const { ids, mask } = batch(20, 32);
    const a = maskTokens(ids, vocab, createRng(1), { attentionMask: mask });
    const b = maskTokens(ids, vocab, createRng(1), { attentionMask: mask });
    const c = maskTokens(ids, vocab, createRng(2), { attentionMask: mask });
    expect(a).toEqual(b);
    expect(a.labels).not.toEqual(c.labels);
  });

  it('rejects inconsistent fractions', () => {
    expect(() => maskTokens(Int32Array.from([5]), vocab, createRng(0), { config: { maskFraction: 0.9, randomFraction: 0.2 } })).toThrow(/maskFraction \+ randomFraction must be <= 1/);
    expect(() => maskTokens(Int32Array.from([5]), vocab, createRng(0), { config: { probability: 1.5 } })).toThrow(/masking.probability/);
  });
});
