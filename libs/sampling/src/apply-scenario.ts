import { WorkbenchError, type Rng } from '@workbench/core';
import { checkBinaryMatrix, type Matrix } from '@workbench/metrics';
import { removePerLabel } from './per-label-removal.ts';
import { removePerSample } from './per-sample-removal.ts';
import { ROUNDING } from './round-half-even.ts';
import { removalRatio, type ResolvedScenario } from './scenario.ts';

/** Rows per independent removal block under scope `chunk1000` (the reference pipeline's map batch size). */
export const REFERENCE_CHUNK_ROWS = 1000;

export interface LabelKept {
  label: string;
  /** Positives in the full labels, and how many stay observed. */
  positives: number;
  observed: number;
  /** observed / positives (NaN for a label without positive). */
  keptFraction: number;
}

export interface ScenarioResult {
  scenario: ResolvedScenario;
  /** The observed label matrix: the truth with the hidden positives set to 0 (= unlabelled). */
  observed: Uint8Array[];
  /** Hidden (row, label) pairs, by row then label. */
  hidden: [number, number][];
  /** per-sample only: (row, label) pairs hidden and then restored so their label keeps a positive. */
  restored: [number, number][];
  /** All positives, observed ones, and the fraction actually kept (vs the nominal keepPercent / 100). */
  positives: number;
  observedPositives: number;
  keptFraction: number;
  perLabel: LabelKept[];
}

export interface ApplyScenarioOptions {
  /** Label names in column order, for messages and the per-label table (default: column indices). */
  labelNames?: readonly string[];
  /** Allow labels with no positive at all (they stay unobservable). Default false: such a label is an error. */
  allowLabelsWithoutPositive?: boolean;
  /** Where the labels came from (dataset file), for error messages. */
  source?: string;
}

/**
 * Hides target-train positives as `scenario` says and reports what was hidden and the fraction kept.
 * Deterministic in (labels, scenario, rng): block b draws from `rng.derive('block-<b>')`, so scope `split` and
 * `chunk1000` agree on a split of at most 1000 rows.
 */
export function applyScenario(truth: Matrix, scenario: ResolvedScenario, rng: Rng, options: ApplyScenarioOptions = {}): ScenarioResult {
  const where = options.source ?? 'applyScenario';
  const labels = checkBinaryMatrix('labels', truth, where);
  const names = options.labelNames ?? Array.from({ length: labels }, (_, j) => String(j));
  if (names.length !== labels) {
    throw new WorkbenchError('CONFIG_TYPE', `labelNames has ${names.length} names but the label matrix has ${labels} columns`, { where: { source: where } });
  }
  const totals = new Array<number>(labels).fill(0);
  for (const row of truth) for (let j = 0; j < labels; j++) totals[j] += row[j];
  if (!options.allowLabelsWithoutPositive) {
    const empty = totals.findIndex((t) => t === 0);
    if (empty >= 0) {
      throw new WorkbenchError(
        'CONFIG_INVALID',
        `label '${names[empty]}' (column ${empty}) has no positive in the ${truth.length} rows, so scenario '${scenario.name}' cannot leave it an observed positive`,
        { where: { source: where }, hint: 'drop the label from the dataset, or use a larger split', details: { label: names[empty], column: empty } },
      );
    }
  }

  const r = removalRatio(scenario);
  const round = ROUNDING[scenario.rounding];
  const observed = truth.map((row) => Uint8Array.from(row as ArrayLike<number>));
  const hidden: [number, number][] = [];
  const restored: [number, number][] = [];
  const blockRows = scenario.scope === 'chunk1000' ? REFERENCE_CHUNK_ROWS : truth.length;
  if (r > 0) {
    for (let start = 0, b = 0; start < truth.length; start += blockRows, b++) {
      const rowIds = Array.from({ length: Math.min(blockRows, truth.length - start) }, (_, k) => start + k);
      const blockTruth = rowIds.map((i) => truth[i]);
      const blockObserved = rowIds.map((i) => observed[i]);
      const blockRng = rng.derive(`block-${b}`);
      if (scenario.removal === 'per-label') {
        hidden.push(...removePerLabel(blockTruth, blockObserved, rowIds, r, round, blockRng));
      } else {
        const res = removePerSample(blockTruth, blockObserved, rowIds, r, round, scenario.restore, blockRng);
        hidden.push(...res.hidden);
        restored.push(...res.restored);
      }
    }
  }
  hidden.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  const kept = new Array<number>(labels).fill(0);
  for (const row of observed) for (let j = 0; j < labels; j++) kept[j] += row[j];
  const positives = totals.reduce((s, v) => s + v, 0);
  const observedPositives = kept.reduce((s, v) => s + v, 0);
  return {
    scenario,
    observed,
    hidden,
    restored,
    positives,
    observedPositives,
    keptFraction: positives === 0 ? Number.NaN : observedPositives / positives,
    perLabel: names.map((label, j) => ({ label, positives: totals[j], observed: kept[j], keptFraction: totals[j] === 0 ? Number.NaN : kept[j] / totals[j] })),
  };
}
