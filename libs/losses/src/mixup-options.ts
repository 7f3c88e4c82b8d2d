/**
 * Where MixUp interpolates (the loss only sees the mixed scores; the level tells the calling method what to mix):
 * `embedding` = the output of the embedding module (word + position + type, LayerNorm, dropout) as in DALLMi,
 * `pooled` = the pooled sentence vector, `logit` = the classifier's logits.
 */
export const MIXUP_LEVELS = ['embedding', 'pooled', 'logit'] as const;
export type MixupLevel = (typeof MIXUP_LEVELS)[number];

/**
 * Which side the MixUp target pairs mu with. The input is always mu*x(u) + (1-mu)*x(p).
 * `vpu`: phi = mu*s(u) + (1-mu)*1 (consistent with the input, as in VPU and the DALLMi paper);
 * `reference`: phi = mu*1 + (1-mu)*s(u) (the public DALLMi code, which pairs mu with the positive).
 */
export const MIXUP_PAIRINGS = ['vpu', 'reference'] as const;
export type MixupPairing = (typeof MIXUP_PAIRINGS)[number];

/** `on`: the penalty is differentiated; `off`: it is computed on stopped gradients and only adds a constant (reference code). */
export const MIXUP_GRADIENTS = ['on', 'off'] as const;
export type MixupGradient = (typeof MIXUP_GRADIENTS)[number];

/** `norm`: (phi - s_mixed)^2 (DALLMi); `log`: (log phi - log s_mixed)^2 (VPU). */
export const MIXUP_FORMS = ['norm', 'log'] as const;
export type MixupForm = (typeof MIXUP_FORMS)[number];
