/**
 * Truncation of one sequence or a pair, as transformers 4.30 `truncate_sequences` with the default
 * 'longest_first' strategy (right side by default): a single sequence loses its last tokens; a pair
 * loses one token at a time from whichever sequence is longer, from the second one on a tie.
 *
 * One deliberate difference: when a single sequence cannot be shortened enough (fewer tokens than must be
 * removed), the reference logs an error and returns it untruncated, longer than `max_length`; here it is
 * emptied instead, so no row ever exceeds the model's positions.
 */
export function truncateSequences<T>(
  first: readonly T[],
  second: readonly T[] | undefined,
  numToRemove: number,
  side: 'right' | 'left' = 'right',
): { first: T[]; second: T[] | undefined } {
  // HF truncation_side='left' drops the first tokens instead of the last, by the same counts.
  const keep = (xs: T[], n: number): T[] => (side === 'right' ? xs.slice(0, n) : xs.slice(xs.length - n));
  let a = first.slice();
  let b = second?.slice();
  if (numToRemove <= 0) return { first: a, second: b };
  if (b === undefined) {
    a = keep(a, Math.max(0, a.length - numToRemove));
    return { first: a, second: b };
  }
  // Count first, slice once: the token-by-token loop of the reference is quadratic on long texts.
  let la = a.length;
  let lb = b.length;
  for (let k = 0; k < numToRemove && la + lb > 0; k++) {
    if (la > lb) la--;
    else lb--;
  }
  a = keep(a, la);
  b = keep(b, lb);
  return { first: a, second: b };
}
