import { didYouMeanSuffix, WorkbenchError, type Defaults, type ErrorLocation } from '@workbench/core';

/** Values of `backbone.headBias`. */
export const HEAD_BIASES = ['prior', 'zero'] as const;

/** Fails with the valid values and a did-you-mean unless `mode` is one of HEAD_BIASES. */
export function checkHeadBias(mode: string, where: ErrorLocation = {}): void {
  if ((HEAD_BIASES as readonly string[]).includes(mode)) return;
  const path = where.path ? `${where.path}.backbone.headBias` : 'backbone.headBias';
  throw new WorkbenchError('CONFIG_INVALID', `${path}: unknown head bias '${mode}'; valid values: ${HEAD_BIASES.join(', ')}${didYouMeanSuffix(mode, HEAD_BIASES)}`, { where: { ...where, path } });
}

/**
 * The configuration of one cell (dataset x scenario x method x seed x hyper-parameters): everything that
 * decides its result. A method declares which of these paths it depends on; the cell's identity is the hash
 * of exactly those (DomainBed's rule), so cells a method cannot tell apart run once.
 */

/** The backbone: a transformer (from scratch or a local Hugging Face checkpoint) or the bag-of-n-grams encoder. */
export interface BackboneConfig {
  /** 'ngram' | 'bert' | 'roberta' (registry `BACKBONES`). */
  kind: string;
  /** Size preset of the backbone: 'tiny' | 'mini' | 'small' | 'base' for transformers; 'default' for ngram. */
  size: string;
  /** A local Hugging Face folder to start from (config.json, model.safetensors, vocabulary); null = from scratch. */
  checkpoint: string | null;
  /** Tokens per text after truncation. */
  maxLength: number;
  /** WordPiece vocabulary size when a transformer is trained from scratch (vocabulary built from train text only). */
  vocabSize: number;
  /** Encoder-config overrides (e.g. {"dropout": 0.2}); validated by the backbone. */
  overrides: Record<string, unknown>;
  /**
   * Initial bias of the classification head before stage 1: 'prior' = each label's log-odds in the source
   * training rows (rare labels then start near their rate instead of at 0.5, so the first epochs are not spent
   * pushing every logit down through the shared encoder), 'zero' = Hugging Face's initialisation.
   */
  headBias: string;
  /**
   * How the head reads the hidden states: 'native' (the backbone's own: BERT's dense + tanh pooler on [CLS],
   * the n-gram encoder's masked mean), 'mean' (masked mean of the hidden states) or 'first' ([CLS] without the
   * pooler). A from-scratch BERT pooler starts at N(0, 0.02) and starves the backbone of gradient (see
   * multitask/sequence-pooling.ts), so the from-scratch presets use 'mean'; a checkpoint's trained pooler: 'native'.
   */
  pooling: string;
}

/** One optimisation stage (AdamW with linear decay and global-norm clipping, as the paper). */
export interface OptimConfig {
  lr: number;
  epochs: number;
  batchSize: number;
  weightDecay: number;
  /** Fraction of steps of linear warm-up (the paper: none). */
  warmupRatio: number;
  /** Global gradient-norm clip; 0 = off. */
  clipNorm: number;
}

/** Stage 0: masked-LM pre-training on the unlabelled text of source and target train (transformers only). */
export interface PretrainConfig {
  enabled: boolean;
  epochs: number;
  lr: number;
  batchSize: number;
  /** Fraction of tokens selected for masking (BERT: 0.15; 80/10/10 split). */
  maskProb: number;
}

/** How target-train positives are hidden. */
export interface ScenarioConfig {
  /** 'keep50' | 'keep30' | 'keep10' | 'keepNN' | 'full'. */
  name: string;
  /** 'per-label' (the paper's main setting) or 'per-sample'. */
  mode: string;
  /** 'split' (removal over the whole split) or 'chunk1000' (the reference code's per-1000-rows behaviour). */
  scope: string;
}

/** MixUp of a positive and an unlabelled input (DALLMi, VPU). */
export interface MixupConfig {
  enabled: boolean;
  /** What is interpolated: 'embedding' (token embeddings, the paper), 'pooled', or 'logit'. */
  level: string;
  /** 'vpu' (phi = mu s(u) + (1-mu), mu paired with u on both sides) or 'reference' (the public code's pairing). */
  pairing: string;
  /** 'on': the penalty is differentiated (the paper); 'off': added as a constant (the public code). */
  gradient: string;
  weight: number;
  /** mu ~ Beta(alpha, alpha). */
  alpha: number;
}

/** DALLMi and VPU: variational PU loss + MixUp + sampler. */
export interface PuMethodConfig {
  /** 'norm' (DALLMi's norm-based loss) or 'log' (VPU's). */
  loss: string;
  mixup: MixupConfig;
  /** 'label-balanced' (DALLMi) or 'random'. */
  sampler: string;
}

/** Adversarial adaptation with distillation (Ryu & Lee 2020), the paper's unsupervised baseline. */
export interface AadConfig {
  epochs: number;
  lr: number;
  batchSize: number;
  /** Discriminator width; 0 = 4x the hidden size (3072 for BERT-base as the paper). */
  discriminatorWidth: number;
  /** Distillation temperature. */
  temperature: number;
  clipNorm: number;
}

/** Domain-adversarial training (Ganin et al. 2016): source BCE + gradient-reversed domain loss. */
export interface DannConfig {
  epochs: number;
  lr: number;
  batchSize: number;
  /** Final weight of the reversed gradient (ramped up by Ganin's schedule). */
  lambda: number;
  discriminatorWidth: number;
  clipNorm: number;
}

export interface EvalConfig {
  /** Fraction of target train (observed labels only) held out for model selection. */
  validationFraction: number;
  /** Evaluate on target test after every epoch (learning curves); the final evaluation always runs. */
  everyEpoch: boolean;
  /** Log the final checkpoint as an artifact. */
  saveCheckpoint: boolean;
}

export interface CellConfig {
  /** Dataset name (under datasets/) or path to a folder holding a card. */
  dataset: string;
  /** The multi-label task of the dataset card. */
  task: string;
  method: string;
  seed: number;
  scenario: ScenarioConfig;
  backbone: BackboneConfig;
  pretrain: PretrainConfig;
  /** Stage 1: BCE on the source. */
  source: OptimConfig;
  /** Stage 2: fine-tuning on the target (partial-supervised, oracle, vpu, dallmi). */
  target: OptimConfig;
  dallmi: PuMethodConfig;
  vpu: PuMethodConfig;
  unsupervised: AadConfig;
  dann: DannConfig;
  eval: EvalConfig;
}

/**
 * Defaults: the paper's settings for `base` (AdamW lr 5e-5, batch 64, 12 epochs, linear decay, no warm-up,
 * clip 1.0, max length 128). Presets below adapt them to small models trained from scratch on a CPU.
 */
export const DEFAULT_CELL_CONFIG: Defaults<CellConfig> = {
  dataset: 'debtags-dev',
  task: 'tags',
  method: 'dallmi',
  seed: 0,
  scenario: { name: 'keep50', mode: 'per-label', scope: 'split' },
  backbone: { kind: 'bert', size: 'base', checkpoint: null, maxLength: 128, vocabSize: 8000, overrides: {}, headBias: 'prior', pooling: 'native' },
  pretrain: { enabled: false, epochs: 3, lr: 5e-4, batchSize: 32, maskProb: 0.15 },
  source: { lr: 5e-5, epochs: 12, batchSize: 64, weightDecay: 0.01, warmupRatio: 0, clipNorm: 1 },
  target: { lr: 5e-5, epochs: 12, batchSize: 64, weightDecay: 0.01, warmupRatio: 0, clipNorm: 1 },
  dallmi: {
    loss: 'norm',
    mixup: { enabled: true, level: 'embedding', pairing: 'vpu', gradient: 'on', weight: 1, alpha: 0.3 },
    sampler: 'label-balanced',
  },
  vpu: {
    loss: 'log',
    mixup: { enabled: true, level: 'embedding', pairing: 'vpu', gradient: 'on', weight: 1, alpha: 0.3 },
    sampler: 'random',
  },
  unsupervised: { epochs: 12, lr: 1e-5, batchSize: 64, discriminatorWidth: 0, temperature: 20, clipNorm: 1 },
  dann: { epochs: 12, lr: 5e-5, batchSize: 64, lambda: 1, discriminatorWidth: 0, clipNorm: 1 },
  eval: { validationFraction: 0.1, everyEpoch: true, saveCheckpoint: false },
};

/** Paths whose objects accept any keys (validated by their owner instead). */
export const CELL_CONFIG_OPEN_PATHS = ['backbone.overrides'] as const;
