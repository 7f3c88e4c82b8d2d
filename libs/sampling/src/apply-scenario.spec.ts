import { createRng, WorkbenchError } from '@workbench/core';
import { applyScenario, type ScenarioResult } from './apply-scenario.ts';
import { loadDebtagsTargetTrain } from './debtags-fixture.ts';
import { resolveScenario } from './scenario.ts';

/** A rows x labels matrix whose label j has counts[j] positives, in rows 0..counts[j]-1. */
function columns(rows: number, counts: number[]): Uint8Array[] {
  return Array.from({ length: rows }, (_, i) => Uint8Array.from(counts.map((c) => (i < c ? 1 : 0))));
}

function checkConsistent(truth: Uint8Array[], r: ScenarioResult): void {
  const hidden = new Set(r.hidden.map(([i, j]) => i * 1000 + j));
  let wrong = 0;
  truth.forEach((row, i) =>
    row.forEach((t, j) => {
      if (r.observed[i][j] !== (t === 1 && !hidden.has(i * 1000 + j) ? 1 : 0)) wrong++;
    }),
  );
  expect(wrong).toBe(0);
  expect(hidden.size).toBe(r.hidden.length);
}

describe('applyScenario, per label', () => {
  // Hand-computed with Python's round: keep50 (r = .5) hides round(n/2) -> n=5: 2 (round(2.5) = 2), n=3: 2,
  // n=1: 0 (round(.5) = 0), n=10: 5. keep10 (r = .9) hides round(.9 n) capped at n - 1 -> n=5: 4, n=3: 2, n=1: 0, n=10: 9.
  const truth = columns(12, [5, 3, 1, 10]);

  it('keeps n - round(n r) positives per label, at least one', () => {
    const keep50 = applyScenario(truth, resolveScenario('keep50'), createRng(1));
    expect(keep50.perLabel.map((l) => l.observed)).toEqual([3, 1, 1, 5]);
    const keep10 = applyScenario(truth, resolveScenario('keep10'), createRng(1));
    expect(keep10.perLabel.map((l) => l.observed)).toEqual([1, 1, 1, 1]);
    expect(keep10.keptFraction).toBe(4 / 19);
    expect(keep10.hidden).toHaveLength(15);
    checkConsistent(truth, keep50);
    checkConsistent(truth, keep10);
  });

  it('is deterministic in the seed, and the seed matters', () => {
    const s = resolveScenario('keep50');
    expect(applyScenario(truth, s, createRng(3)).hidden).toEqual(applyScenario(truth, s, createRng(3)).hidden);
    const seeds = new Set(Array.from({ length: 8 }, (_, k) => JSON.stringify(applyScenario(truth, s, createRng(k)).hidden)));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('full hides nothing', () => {
    const r = applyScenario(truth, resolveScenario('full'), createRng(1));
    expect(r.hidden).toEqual([]);
    expect(r.keptFraction).toBe(1);
  });

  it('chunk1000 keeps >= 1 per label in every chunk of 1000 rows, as the reference code', () => {
    // label 0: one positive in each of 3 chunks. keep10 over the split: n = 3, hide min(round(2.7), 2) = 2 -> 1 kept.
    // Per chunk: n = 1 each, hide 0 -> 3 kept.
    const big = Array.from({ length: 2500 }, (_, i) => Uint8Array.from([i % 1000 === 0 ? 1 : 0, i % 2]));
    expect(applyScenario(big, resolveScenario('keep10'), createRng(1)).perLabel[0].observed).toBe(1);
    expect(applyScenario(big, resolveScenario('keep10', { scope: 'chunk1000' }), createRng(1)).perLabel[0].observed).toBe(3);
  });

  it('split and chunk1000 agree on a split of at most 1000 rows', () => {
    const a = applyScenario(truth, resolveScenario('keep30'), createRng(9));
    const b = applyScenario(truth, resolveScenario('keep30', { scope: 'chunk1000' }), createRng(9));
    expect(b.hidden).toEqual(a.hidden);
  });

  it('says which label has no positive to keep', () => {
    const t = columns(4, [2, 0, 1]);
    expect(() => applyScenario(t, resolveScenario('keep10'), createRng(1), { labelNames: ['a', 'rare', 'c'], source: 'tiny/target_train.jsonl' })).toThrow(
      "tiny/target_train.jsonl: label 'rare' (column 1) has no positive in the 4 rows, so scenario 'keep10' cannot leave it an observed positive",
    );
    const r = applyScenario(t, resolveScenario('keep10'), createRng(1), { allowLabelsWithoutPositive: true });
    expect(r.perLabel[1].keptFraction).toBeNaN();
  });

  it('rejects a malformed label matrix naming the entry', () => {
    expect(() => applyScenario([Uint8Array.from([1, 2])], resolveScenario('keep10'), createRng(1))).toThrow('labels[0][1] must be 0 or 1, got 2');
    expect(() => applyScenario([[1, 0]], resolveScenario('keep10'), createRng(1), { labelNames: ['a'] })).toThrow(WorkbenchError);
  });
});

describe('applyScenario, per sample', () => {
  it('hides round(k r) of a row\'s k positives (k = 1: 0, 2: 1, 3: 2, 5: 2 at r = .5)', () => {
    // 40 copies of each row shape, so no label is ever left without a positive (no restoration).
    const shapes = [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1]];
    const truth = Array.from({ length: 160 }, (_, i) => Uint8Array.from(shapes[i % 4]));
    const r = applyScenario(truth, resolveScenario('keep50', { removal: 'per-sample' }), createRng(2));
    expect(r.restored).toEqual([]);
    r.observed.forEach((row, i) => {
      const hiddenInRow = truth[i].reduce((s, v) => s + v, 0) - row.reduce((s, v) => s + v, 0);
      expect(hiddenInRow).toBe([0, 1, 2, 2][i % 4]);
    });
    checkConsistent(truth, r);
  });

  it('hides rare labels more often: w_j = 1 - f_j / sum f', () => {
    // 900 rows [a], 100 rows [a, b]: f = (1000, 100). In an [a, b] row b is hidden with probability
    // 1 - 100/1100 = 0.909 (hand-computed), so about 91 of the 100 b's; binomial sd 2.9.
    const truth = Array.from({ length: 1000 }, (_, i) => Uint8Array.from([1, i < 100 ? 1 : 0]));
    const r = applyScenario(truth, resolveScenario('keep50', { removal: 'per-sample' }), createRng(4));
    const bHidden = r.hidden.filter(([, j]) => j === 1).length;
    expect(bHidden).toBeGreaterThanOrEqual(82);
    expect(bHidden).toBeLessThanOrEqual(99);
  });

  it('restores one positive of a label left with none (the first row with restore: first)', () => {
    // keep10: a one-label row loses its label (round(.9) = 1). Label 1 lives only in one-label rows 1 and 3.
    const truth = [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]].map((r) => Uint8Array.from(r));
    const first = applyScenario(truth, resolveScenario('keep10', { removal: 'per-sample', restore: 'first' }), createRng(1));
    expect(first.restored).toEqual([[0, 0], [1, 1]]);
    expect(first.perLabel.map((l) => l.observed)).toEqual([1, 1]);
    checkConsistent(truth, first);
    const random = applyScenario(truth, resolveScenario('keep10', { removal: 'per-sample' }), createRng(1));
    expect(random.perLabel.map((l) => l.observed)).toEqual([1, 1]);
    expect(random.restored).toHaveLength(2);
  });
});

describe('kept fractions on debtags-dev target train (1,672 rows, 4,010 positives)', () => {
  const { labels, matrix } = loadDebtagsTargetTrain();
  const kept = (name: string, overrides: object) => applyScenario(matrix, resolveScenario(name, overrides), createRng(0), { labelNames: labels });

  // Positives kept before restoration, recorded with Python 3.11 from the same fixture:
  // sum(k - round(k * r)) over rows (half-even) and with floor(k * r + .5) (half-up).
  it.each([
    ['keep50', 'half-even', 2257],
    ['keep50', 'half-up', 1464],
    ['keep30', 'half-even', 1054],
    ['keep10', 'half-even', 177],
    ['keep10', 'half-up', 54],
  ] as const)('per-sample %s with %s rounding keeps %i positives plus the restored ones', (name, rounding, beforeRestore) => {
    const r = kept(name, { removal: 'per-sample', rounding });
    expect(r.positives).toBe(4010);
    expect(r.observedPositives - r.restored.length).toBe(beforeRestore);
    expect(r.perLabel.every((l) => l.observed >= 1)).toBe(true);
  });

  it('matches dallmi.md: ~56% vs ~37% kept at r = .5 and ~4% vs ~1% at r = .9 (half-even vs half-up)', () => {
    const f = (name: string, rounding: string) => kept(name, { removal: 'per-sample', rounding }).keptFraction;
    expect(f('keep50', 'half-even')).toBeGreaterThan(0.55);
    expect(f('keep50', 'half-even')).toBeLessThan(0.58);
    expect(f('keep50', 'half-up')).toBeGreaterThan(0.36);
    expect(f('keep50', 'half-up')).toBeLessThan(0.39);
    expect(f('keep10', 'half-even')).toBeGreaterThan(0.035);
    expect(f('keep10', 'half-even')).toBeLessThan(0.055);
    expect(f('keep10', 'half-up')).toBeGreaterThan(0.012);
    expect(f('keep10', 'half-up')).toBeLessThan(0.025);
  });

  it('per-label removal keeps the nominal fraction (2006, 1204, 402 of 4010, recorded with Python)', () => {
    expect(kept('keep50', {}).observedPositives).toBe(2006);
    expect(kept('keep30', {}).observedPositives).toBe(1204);
    expect(kept('keep10', {}).observedPositives).toBe(402);
  });
});

describe('applyScenario invariants on random matrices, every mode', () => {
  const modes = ['per-label', 'per-sample'] as const;
  const scopes = ['split', 'chunk1000'] as const;
  it.each(modes.flatMap((m) => scopes.map((s) => [m, s] as const)))('%s / %s: observed within truth, hidden = truth - observed, >= 1 kept per label', (removal, scope) => {
    const rng = createRng(`${removal}-${scope}`);
    for (const name of ['keep50', 'keep30', 'keep10', 'keep0', 'keep73']) {
      const rows = 50 + rng.int(1200);
      const truth = Array.from({ length: rows }, () => Uint8Array.from({ length: 6 }, (_, j) => (rng.next() < 0.05 * (j + 1) ? 1 : 0)));
      truth[0].fill(1); // every label has a positive
      const r = applyScenario(truth, resolveScenario(name, { removal, scope }), rng.derive(name));
      checkConsistent(truth, r);
      expect(r.observedPositives + r.hidden.length).toBe(r.positives);
      expect(r.perLabel.every((l) => l.observed >= 1)).toBe(true);
    }
  });
});
