/** The report as data: every table the HTML, Markdown, CSV and charts are rendered from (JSON-safe, NaN = gap). */

/** Mean, sample std, standard error and t-interval of one metric over the seeds of a cell. */
export interface MetricSummary {
  /** Seeds that logged the metric (a gap when fewer than the cell's seeds). */
  n: number;
  mean: number;
  std: number;
  se: number;
  tLower: number;
  tUpper: number;
}

/** One (dataset, scenario, method, variant) over its finished seeds. */
export interface CellSummary {
  dataset: string;
  scenario: string;
  /** Fraction of target-train positive labels kept (from the scenario name, else the logged kept fraction). */
  availability: number;
  method: string;
  variant: string;
  seeds: number[];
  runIds: string[];
  metrics: Record<string, MetricSummary>;
  validation: MetricSummary;
  wallSeconds: MetricSummary;
  /** Whether model selection picked this variant (always true when a method has one variant). */
  selected: boolean;
  /**
   * The scenarios this cell's runs stand for together, when its method ignores the scenario (the same runs and
   * numbers appear under each of them); [] for a cell whose runs are its own.
   */
  sharedScenarios: string[];
}

/** A row of the main table: the selected variant of a method, with the test-row bootstrap of the primary metric. */
export interface SummaryRow extends CellSummary {
  /** Bootstrap over test rows (resample rows, metric per seed, mean over seeds); NaN without predictions. */
  bootstrap: { estimate: number; lower: number; upper: number; rows: number; seeds: number };
  /** How the variant was chosen, '' when there was nothing to choose. */
  selection: string;
  warnings: string[];
}

export interface ImprovementRow {
  dataset: string;
  scenario: string;
  method: string;
  baseline: string;
  sharedSeeds: number[];
  sharedRows: number;
  methodValue: number;
  baselineValue: number;
  absolute: number;
  absoluteLower: number;
  absoluteUpper: number;
  /** (method - baseline) / baseline. */
  relative: number;
  relativeLower: number;
  relativeUpper: number;
  /** Fraction of resamples where the method beats the baseline. */
  fractionBetter: number;
  note: string;
}

export interface PerLabelRow {
  dataset: string;
  scenario: string;
  method: string;
  label: string;
  /** Mean AP over seeds (NaN: no positive of the label in the test rows). */
  ap: number;
  seeds: number;
}

export interface CurveRow {
  dataset: string;
  scenario: string;
  method: string;
  metric: string;
  step: number;
  mean: number;
  std: number;
  n: number;
}

export interface MissingRow {
  dataset: string;
  scenario: string;
  method: string;
  variant: string;
  seed: number;
  status: string;
  runId: string;
  reason: string;
}

export interface RunRow {
  runId: string;
  runName: string;
  status: string;
  dataset: string;
  scenario: string;
  method: string;
  variant: string;
  seed: number;
  metrics: Record<string, number>;
  /** The scenarios the run stands for (listed once, under the scenario it ran with); [] when only its own. */
  sharedScenarios: string[];
}

export interface KeyValues {
  key: string;
  values: string[];
}

export interface ReportData {
  title: string;
  generatedAt: string;
  storeUri: string;
  experiment: string;
  sweepRunId: string | undefined;
  primaryMetric: string;
  validationMetric: string;
  metrics: string[];
  baselines: string[];
  bootstrap: { resamples: number; confidence: number; seed: number };
  confidence: number;
  minSeeds: number;
  environment: KeyValues[];
  config: KeyValues[];
  summary: SummaryRow[];
  cells: CellSummary[];
  improvements: ImprovementRow[];
  perLabel: PerLabelRow[];
  curves: CurveRow[];
  missing: MissingRow[];
  runs: RunRow[];
  selections: string[];
  /** Runs shared across scenarios (the method ignores the scenario): one statement per dataset and method. */
  shared: string[];
  /** Facts about the input (runs of an earlier invocation included, ...). */
  notes: string[];
  warnings: string[];
}
