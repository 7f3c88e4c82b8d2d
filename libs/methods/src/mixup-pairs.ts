import type { Rng } from '@workbench/core';

/** One MixUp pair: for `label`, an unlabelled row `u` and an observed positive `p` of the batch, mixed with `mu`. */
export interface MixupPair {
  label: number;
  /** Positions inside the batch (not corpus rows). */
  u: number;
  p: number;
  mu: number;
}

/**
 * Picks one (u, p) pair per label that has both an observed positive (P) and an unlabelled row (U) in the
 * batch, uniformly within each set, with mu ~ Beta(alpha, alpha). `observed` is the batch's [B x L] 0/1
 * matrix of observed labels, row-major.
 */
export function pickMixupPairs(observed: Uint8Array, batchSize: number, numLabels: number, alpha: number, rng: Rng): MixupPair[] {
  const pairs: MixupPair[] = [];
  for (let l = 0; l < numLabels; l++) {
    const P: number[] = [];
    const U: number[] = [];
    for (let i = 0; i < batchSize; i++) (observed[i * numLabels + l] ? P : U).push(i);
    if (P.length === 0 || U.length === 0) continue;
    pairs.push({ label: l, u: rng.choice(U), p: rng.choice(P), mu: rng.beta(alpha, alpha) });
  }
  return pairs;
}
