// Test-only: the label sets of debtags-dev target train (see test/fixtures/README.md). Not exported.
import { readFileSync } from 'node:fs';

export interface DebtagsLabels {
  labels: string[];
  /** rows x labels 0/1 matrix. */
  matrix: Uint8Array[];
}

export function loadDebtagsTargetTrain(): DebtagsLabels {
  const raw = JSON.parse(readFileSync(new URL('../test/fixtures/debtags-dev-target-train-labels.json', import.meta.url), 'utf8')) as {
    labels: string[];
    rows: number[][];
  };
  const matrix = raw.rows.map((own) => {
    const row = new Uint8Array(raw.labels.length);
    for (const j of own) row[j] = 1;
    return row;
  });
  return { labels: raw.labels, matrix };
}
