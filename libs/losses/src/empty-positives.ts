/**
 * What the variational losses do with a label that has no observed positive in the batch (P empty).
 * - `skip-label`: the label contributes 0 (VPU's variational bound is undefined without positives, and its
 *   log-form U-term alone is unbounded below: it would drive every score of the label to 0).
 * - `keep-u-term`: the P-term is 0 (an empty sum) and the U-term still counts: what DALLMi's reference code
 *   does for the norm form, where the U-term is bounded (mean_U s >= 0).
 */
export const EMPTY_POSITIVES = ['skip-label', 'keep-u-term'] as const;
export type EmptyPositives = (typeof EMPTY_POSITIVES)[number];
