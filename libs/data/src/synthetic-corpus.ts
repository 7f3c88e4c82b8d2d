import { Rng, configHash, resolveConfig, type DatasetRow, type DeepPartial } from '@workbench/core';
import type { DatasetCard } from './dataset-card.ts';
import type { LoadedDataset } from './load-dataset.ts';

/**
 * A seeded multi-label corpus with a source and a target domain whose differences are set by knobs, for fast
 * tests of samplers, losses and methods (shift on/off, known ground truth) without any real data.
 */
export interface SyntheticCorpusConfig {
  seed: number;
  /** Number of labels L. */
  labels: number;
  sourceRows: number;
  targetTrainRows: number;
  targetTestRows: number;
  /** Mean words per document (normal, sd 25% of the mean, at least 3). */
  wordsPerDoc: number;
  /** Background words per domain. */
  vocabSize: number;
  /** Indicative words per label. */
  wordsPerLabel: number;
  /** Probability that a word of a labelled document is an indicative word of one of its labels. */
  labelSignal: number;
  /** Expected positive labels per document (sum of the priors). */
  meanLabelsPerDoc: number;
  /** 0: the target has the source's label priors; 1: independent priors (linear in between). */
  labelPriorShift: number;
  /** 0: same words in both domains; 1: disjoint background words and every label word replaced by a synonym. */
  vocabularyShift: number;
  /** Labels come in pairs (0,1), (2,3)...: probability that the partner of a positive label is positive too. */
  sourceCooccurrence: number;
  targetCooccurrence: number;
}

export const DEFAULT_SYNTHETIC_CORPUS: Required<SyntheticCorpusConfig> = {
  seed: 0,
  labels: 6,
  sourceRows: 300,
  targetTrainRows: 200,
  targetTestRows: 200,
  wordsPerDoc: 30,
  vocabSize: 400,
  wordsPerLabel: 8,
  labelSignal: 0.3,
  meanLabelsPerDoc: 1.8,
  labelPriorShift: 0.5,
  vocabularyShift: 0.3,
  sourceCooccurrence: 0.6,
  targetCooccurrence: 0.1,
};

export interface SyntheticTruth {
  labels: string[];
  /** The Bernoulli priors each label is drawn with (before co-occurrence), per domain. */
  priors: { source: number[]; target: number[] };
  /** Indicative words per label, per domain. */
  labelWords: { source: string[][]; target: string[][] };
  backgroundWords: { source: string[]; target: string[] };
}

export interface SyntheticCorpus extends LoadedDataset {
  config: Required<SyntheticCorpusConfig>;
  truth: SyntheticTruth;
}

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v));

/** A pronounceable word for an integer, one-to-one (three syllables: 70^3 distinct words). */
export function syntheticWord(i: number): string {
  const n = SYLLABLES.length;
  if (!Number.isInteger(i) || i < 0 || i >= n ** 3) throw new Error(`syntheticWord: index ${i} out of range`);
  return `${SYLLABLES[Math.floor(i / (n * n))]}${SYLLABLES[Math.floor(i / n) % n]}${SYLLABLES[i % n]}`;
}

/** Flat-Dirichlet weights scaled to sum to `mean` (expected labels per document), before clamping. */
function drawWeights(rng: Rng, labels: number, mean: number): number[] {
  const w = Array.from({ length: labels }, () => rng.gamma(1));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (x / total) * mean);
}

/** Bernoulli priors: every label stays possible and none is near-certain. */
function clampPriors(w: number[]): number[] {
  return w.map((x) => Math.min(0.9, Math.max(0.02, x)));
}

/** Generates the corpus; every config field is optional (defaults: DEFAULT_SYNTHETIC_CORPUS). */
export function generateSyntheticCorpus(partial: DeepPartial<SyntheticCorpusConfig> = {}): SyntheticCorpus {
  const config = resolveConfig<SyntheticCorpusConfig>(DEFAULT_SYNTHETIC_CORPUS, partial, { where: { source: 'synthetic corpus' } });
  const { labels: L, vocabSize: V, wordsPerLabel: W } = config;
  for (const k of ['labelSignal', 'labelPriorShift', 'vocabularyShift', 'sourceCooccurrence', 'targetCooccurrence'] as const) {
    if (!(config[k] >= 0 && config[k] <= 1)) throw new RangeError(`synthetic corpus: ${k} must be in [0, 1], got ${config[k]}`);
  }
  if (!(Number.isInteger(L) && L >= 1 && V >= 1 && W >= 1)) throw new RangeError('synthetic corpus: labels, vocabSize and wordsPerLabel must be positive integers');
  const root = new Rng(config.seed).derive('synthetic-corpus');
  const labelNames = Array.from({ length: L }, (_, l) => `label_${String(l).padStart(2, '0')}`);

  // Word ids: [0, V) source background, [V, 2V) target-only background, then label words and their synonyms.
  const shared = Math.round((1 - config.vocabularyShift) * V);
  const sourceBg = Array.from({ length: V }, (_, i) => syntheticWord(i));
  const targetBg = [...sourceBg.slice(0, shared), ...Array.from({ length: V - shared }, (_, i) => syntheticWord(V + i))];
  const labelBase = 2 * V;
  const synonymBase = labelBase + L * W;
  const replaced = Math.round(config.vocabularyShift * W);
  const sourceLabelWords = labelNames.map((_, l) => Array.from({ length: W }, (_, j) => syntheticWord(labelBase + l * W + j)));
  const targetLabelWords = labelNames.map((_, l) => sourceLabelWords[l]!.map((w, j) => (j < replaced ? syntheticWord(synonymBase + l * W + j) : w)));

  const sourceWeights = drawWeights(root.derive('source-priors'), L, config.meanLabelsPerDoc);
  const independent = drawWeights(root.derive('target-priors'), L, config.meanLabelsPerDoc);
  const sourcePriors = clampPriors(sourceWeights);
  const targetPriors = clampPriors(sourceWeights.map((p, l) => (1 - config.labelPriorShift) * p + config.labelPriorShift * (independent[l] as number)));

  const makeRows = (split: string, n: number, domain: 'source' | 'target'): DatasetRow[] => {
    const rng = root.derive(split);
    const priors = domain === 'source' ? sourcePriors : targetPriors;
    const cooc = domain === 'source' ? config.sourceCooccurrence : config.targetCooccurrence;
    const bg = domain === 'source' ? sourceBg : targetBg;
    const lw = domain === 'source' ? sourceLabelWords : targetLabelWords;
    const rows: DatasetRow[] = [];
    for (let i = 0; i < n; i++) {
      const on = priors.map((p) => rng.next() < p);
      for (let a = 0; a + 1 < L; a += 2) {
        if (on[a] && !on[a + 1] && rng.next() < cooc) on[a + 1] = true;
        else if (on[a + 1] && !on[a] && rng.next() < cooc) on[a] = true;
      }
      const positives = on.flatMap((x, l) => (x ? [l] : []));
      const length = Math.max(3, Math.round(rng.normal(config.wordsPerDoc, config.wordsPerDoc / 4)));
      const words: string[] = [];
      for (let k = 0; k < length; k++) {
        if (positives.length > 0 && rng.next() < config.labelSignal) words.push(rng.choice(lw[rng.choice(positives)]!));
        else words.push(bg[rng.int(bg.length)]!);
      }
      rows.push({ id: `${split}-${i}`, text: words.join(' '), domain, labels: positives.map((l) => labelNames[l]!) });
    }
    return rows;
  };

  const splits = {
    source: { name: 'source', rows: makeRows('source', config.sourceRows, 'source') },
    target_train: { name: 'target_train', rows: makeRows('target_train', config.targetTrainRows, 'target') },
    target_test: { name: 'target_test', rows: makeRows('target_test', config.targetTestRows, 'target') },
  };
  const tasks = [{ name: 'labels', type: 'multi-label' as const, field: 'labels', labels: labelNames }];
  const card: DatasetCard = {
    name: 'synthetic',
    description: 'seeded synthetic multi-label corpus with a controlled source -> target shift',
    license: 'CC0-1.0',
    provenance: { source: `generateSyntheticCorpus(${JSON.stringify(config)})` },
    format: 'synthetic',
    options: {},
    splits: { source: { domain: 'source' }, target_train: { domain: 'target' }, target_test: { domain: 'target' } },
    domains: { source: { description: 'synthetic source domain' }, target: { description: 'synthetic target domain' } },
    tasks,
    metadata: {},
  };
  const counts = Object.fromEntries(Object.values(splits).map((s) => [s.name, { read: s.rows.length, kept: s.rows.length, rejected: 0, filtered: 0 }]));
  const total = Object.values(splits).reduce((a, s) => a + s.rows.length, 0);
  return {
    name: 'synthetic',
    card,
    cardFile: '<synthetic>',
    dir: '<synthetic>',
    splits,
    splitNames: Object.keys(splits),
    tasks,
    domains: card.domains,
    metadataFields: [],
    nonInputFields: ['domain'],
    digest: configHash(config),
    files: [],
    validation: { lenient: false, rowsRead: total, rowsKept: total, rowsRejected: 0, rowsFiltered: 0, splits: counts, reasons: {}, filters: {}, undeclaredFields: {}, rejects: [] },
    config,
    truth: {
      labels: labelNames,
      priors: { source: sourcePriors, target: targetPriors },
      labelWords: { source: sourceLabelWords, target: targetLabelWords },
      backgroundWords: { source: sourceBg, target: targetBg },
    },
  };
}
