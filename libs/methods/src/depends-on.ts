/**
 * Config paths that decide a result. A cell's identity is the hash of exactly the paths its method lists, so
 * cells that differ only in keys a method ignores (the scenario for source-only) are one run.
 */

/** Stage 1 (pre-training + source training, with its source-validation carve-out): what the source model depends on. */
export const STAGE1_KEYS = ['dataset', 'task', 'seed', 'backbone', 'pretrain', 'source', 'eval.validationFraction'] as const;

/** A stage-2 method on target labels: stage 1 + the scenario and the target optimiser. */
export const TARGET_KEYS = [...STAGE1_KEYS, 'scenario', 'target'] as const;
