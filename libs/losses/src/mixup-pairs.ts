import { WorkbenchError, type Rng } from '@workbench/core';

/** One MixUp row: the label it is mixed for, the batch rows u (unlabelled for it) and p (observed positive), and mu. */
export interface MixupPair {
  label: number;
  u: number;
  p: number;
  mu: number;
}

/** mu ~ Beta(alpha, alpha), `n` draws from a seeded stream (alpha = 0.3 in DALLMi and VPU). */
export function sampleMixupCoefficients(rng: Rng, alpha: number, n: number): number[] {
  if (!(alpha > 0)) throw new WorkbenchError('CONFIG_TYPE', `MixUp alpha must be > 0, got ${alpha}`, { where: { path: 'alpha' } });
  return Array.from({ length: n }, () => rng.beta(alpha, alpha));
}

/**
 * DALLMi's MixUp draws for one batch: for each label (in order) with both P and U non-empty among the rows, `perLabel`
 * draws of one u in U and one p in P uniformly (with replacement) and mu ~ Beta(alpha, alpha). Labels with an empty
 * P or U get no row. `labels[b][l]` = 1 for an observed positive; `mask` (optional) excludes entries.
 */
export function drawMixupPairs(labels: readonly (readonly number[])[], rng: Rng, alpha: number, perLabel = 1, mask?: readonly (readonly number[])[]): MixupPair[] {
  const pairs: MixupPair[] = [];
  const numLabels = labels[0]?.length ?? 0;
  for (let label = 0; label < numLabels; label++) {
    const p: number[] = [];
    const u: number[] = [];
    labels.forEach((row, b) => {
      if (mask && !mask[b]?.[label]) return;
      (row[label] === 1 ? p : u).push(b);
    });
    if (p.length === 0 || u.length === 0) continue;
    for (let k = 0; k < perLabel; k++) {
      const ui = rng.choice(u);
      const pi = rng.choice(p);
      pairs.push({ label, u: ui, p: pi, mu: sampleMixupCoefficients(rng, alpha, 1)[0] as number });
    }
  }
  return pairs;
}
