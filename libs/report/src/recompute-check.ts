/**
 * Recomputes a rendered report's main table straight from the tracking store, without the report's own code
 * (no aggregation, identity or bootstrap module of this lib): the numbers a reader sees in `report.html` must
 * equal plain means and sample standard deviations of the runs' logged metrics, found in the store by their
 * tags and params; and each cell's bootstrap estimate in `report.json` must equal the mean over seeds of macro
 * AP recomputed from the predictions stored with the runs. Used by `workbench report check` on real reports.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { macroAveragePrecision } from '@workbench/metrics';
import type { Run, TrackingStore } from '@workbench/tracking';

export interface RecomputeCheck {
  html: string;
  /** Summary rows checked, and individual numbers compared. */
  rows: number;
  compared: number;
  /** Cells whose bootstrap estimate was recomputed from stored predictions. */
  bootstrapChecked: number;
  failures: string[];
}

/** A relative-or-absolute tolerance: the report writes the store's doubles through JSON and HTML attributes unchanged. */
const TOL = 1e-9;

/** The summary table of a report.html as rows of raw cell values (`data-v`), by column name. */
export function htmlTable(html: string, name: string): Record<string, string>[] {
  const m = new RegExp(`<table class="sortable" data-name="${name}">([\\s\\S]*?)</table>`).exec(html);
  if (!m) return [];
  const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const head = [...(m[1] as string).matchAll(/<th(?:\s[^>]*)?>([\s\S]*?)<\/th>/g)].map((x) => unescape(x[1] as string));
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(m[1] as string)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...(row[1] as string).matchAll(/<td[^>]*data-v="([^"]*)"/g)].map((x) => unescape(x[1] as string));
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every run of the report's scope, straight from the store: a sweep's children (and runs its cells.json names), or an experiment's runs. */
async function scopeRuns(store: TrackingStore, data: { sweepRunId?: string | null; experiment: string }): Promise<Run[]> {
  const all: Run[] = [];
  let pageToken: string | undefined;
  if (data.sweepRunId) {
    const parent = await store.getRun(data.sweepRunId);
    do {
      const page = await store.searchRuns({ experimentIds: [parent.info.experimentId], tags: { 'mlflow.parentRunId': data.sweepRunId }, pageToken });
      all.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
    try {
      const cells = JSON.parse(new TextDecoder().decode(await store.getArtifact(data.sweepRunId, 'sweep/cells.json'))) as { runId?: string }[];
      const have = new Set(all.map((r) => r.info.runId));
      for (const c of cells) if (c.runId && !have.has(c.runId)) all.push(await store.getRun(c.runId));
    } catch (e) {
      if (!(e instanceof WorkbenchError && e.code === 'TRACKING_NOT_FOUND')) throw e;
    }
  } else {
    const exp = await store.getExperimentByName(data.experiment);
    if (!exp) throw new WorkbenchError('TRACKING_NOT_FOUND', `no experiment '${data.experiment}' in ${store.uri}`);
    do {
      const page = await store.searchRuns({ experimentIds: [exp.experimentId], pageToken });
      all.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  return all.filter((r) => r.info.status === 'FINISHED' && r.data.tags['workbench.method'] !== undefined);
}

/** Whether a run belongs to a (dataset, scenario, method, variant) row: by its tags and params, or, for a row shared across scenarios, by the scenarios its sweep label lists. */
function belongs(run: Run, row: Record<string, string>): boolean {
  const { tags, params } = run.data;
  if (tags['workbench.method'] !== row['method'] || (tags['workbench.dataset'] ?? params['dataset']) !== row['dataset']) return false;
  const variant = row['variant'] ?? '';
  if (variant) {
    for (const kv of variant.split(', ')) {
      const eq = kv.indexOf('=');
      if (params[kv.slice(0, eq)] !== kv.slice(eq + 1)) return false;
    }
  }
  if (params['scenario.name'] === row['scenario']) return true;
  const shared = (row['shared_across'] ?? '').split(' ').filter(Boolean);
  if (!shared.includes(row['scenario'] as string) || !shared.includes(params['scenario.name'] as string)) return false;
  // A shared row holds a run of another scenario only where its method ignores the scenario: the sweep's label
  // says so (method scenarios...), else no run of its own exists under this scenario (checked by the caller).
  const label = tags['workbench.cell_label'];
  return label === undefined || (label.split(' ')[1] ?? '').split('|').includes(row['scenario'] as string);
}

/**
 * Checks `<dir>/report.html` (and `<dir>/report.json` beside it) against the store the report names (or
 * `store`). Returns every disagreement; an empty `failures` means every number of the main table was recomputed
 * and found equal.
 */
export async function recomputeReportFromStore(htmlPath: string, store: TrackingStore): Promise<RecomputeCheck> {
  const html = resolve(htmlPath);
  const page = readFileSync(html, 'utf8');
  const data = JSON.parse(readFileSync(join(dirname(html), 'report.json'), 'utf8')) as {
    sweepRunId?: string | null;
    experiment: string;
    metrics: string[];
    primaryMetric: string;
    summary: { dataset: string; scenario: string; method: string; variant: string; runIds: string[]; bootstrap: { estimate: number | null; rows: number } }[];
  };
  const rows = htmlTable(page, 'summary');
  const failures: string[] = [];
  let compared = 0;
  if (rows.length === 0) failures.push('report.html has no summary table rows');
  if (rows.length !== data.summary.length) failures.push(`report.html has ${rows.length} summary rows, report.json ${data.summary.length}`);
  const runs = await scopeRuns(store, data);
  for (const row of rows) {
    const what = `${row['method']} on ${row['dataset']} / ${row['scenario']}${row['variant'] ? ` [${row['variant']}]` : ''}`;
    const own = runs.filter((r) => belongs(r, row) && r.data.params['scenario.name'] === row['scenario']);
    // Where the row has runs of its own under its scenario, only those count (a run of its own wins over a shared one).
    const mine = own.length > 0 ? own : runs.filter((r) => belongs(r, row));
    if (mine.length === 0) {
      failures.push(`${what}: no FINISHED run in the store`);
      continue;
    }
    const json = data.summary.find((s) => s.dataset === row['dataset'] && s.scenario === row['scenario'] && s.method === row['method'] && s.variant === (row['variant'] ?? ''));
    const ids = mine.map((r) => r.info.runId).sort();
    if (!json || JSON.stringify([...json.runIds].sort()) !== JSON.stringify(ids)) failures.push(`${what}: report.json lists runs ${json ? json.runIds.join(' ') : '(no row)'}, the store has ${ids.join(' ')}`);
    const seeds = Number(row['seeds']);
    compared++;
    if (seeds !== mine.length) failures.push(`${what}: ${seeds} seeds in the table, ${mine.length} FINISHED runs in the store`);
    for (const m of data.metrics) {
      const xs = mine.map((r) => r.data.metrics.find((x) => x.key === m)?.value).filter((v): v is number => v !== undefined && !Number.isNaN(v));
      const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
      const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : Number.NaN;
      const shown = (c: string): number => (row[c] === '' || row[c] === undefined ? Number.NaN : Number(row[c]));
      for (const [col, value] of [
        [`${m}_n`, xs.length],
        [`${m}_mean`, mean],
        [`${m}_std`, std],
      ] as const) {
        compared++;
        if (!close(shown(col), value)) failures.push(`${what}: ${col} is ${row[col] || '(empty)'} in report.html, ${value} recomputed from the store`);
      }
    }
  }
  // The bootstrap estimate: macro AP recomputed from the stored predictions over the rows every selected run of
  // the (dataset, scenario) predicted, averaged over the cell's seeds.
  let bootstrapChecked = 0;
  const preds = new Map<string, Map<string, { y: number[]; s: number[] }>>();
  const predictionsOf = async (runId: string): Promise<Map<string, { y: number[]; s: number[] }> | undefined> => {
    if (preds.has(runId)) return preds.get(runId);
    let text: string;
    try {
      text = new TextDecoder().decode(await store.getArtifact(runId, 'predictions/target_test.jsonl'));
    } catch (e) {
      if (e instanceof WorkbenchError && e.code === 'TRACKING_NOT_FOUND') return undefined;
      throw e;
    }
    const byId = new Map<string, { y: number[]; s: number[] }>();
    text
      .split('\n')
      .filter((l) => l.trim())
      .slice(1)
      .forEach((l, i) => {
        const o = JSON.parse(l) as { id?: unknown; scores: number[]; true: number[] };
        byId.set(String(o.id ?? i), { y: o.true, s: o.scores });
      });
    preds.set(runId, byId);
    return byId;
  };
  const groups = new Map<string, typeof data.summary>();
  for (const s of data.summary) groups.set(`${s.dataset}\u0000${s.scenario}`, [...(groups.get(`${s.dataset}\u0000${s.scenario}`) ?? []), s]);
  for (const cells of groups.values()) {
    const sets = (await Promise.all(cells.flatMap((c) => c.runIds).map(predictionsOf))).filter((p): p is Map<string, { y: number[]; s: number[] }> => p !== undefined);
    if (sets.length === 0) continue;
    const ids = [...(sets[0] as Map<string, unknown>).keys()].filter((id) => sets.every((p) => p.has(id)));
    for (const c of cells) {
      const own = (await Promise.all(c.runIds.map(predictionsOf))).filter((p): p is Map<string, { y: number[]; s: number[] }> => p !== undefined);
      if (own.length === 0) continue;
      const ap = own.map((p) => macroAveragePrecision(ids.map((id) => p.get(id)?.y as number[]), ids.map((id) => p.get(id)?.s as number[])).value);
      const estimate = ap.reduce((a, b) => a + b, 0) / ap.length;
      bootstrapChecked++;
      compared++;
      if (c.bootstrap.rows !== ids.length) failures.push(`${c.method} on ${c.dataset} / ${c.scenario}: bootstrap over ${c.bootstrap.rows} rows in report.json, ${ids.length} shared rows in the stored predictions`);
      if (!close(c.bootstrap.estimate ?? Number.NaN, estimate)) failures.push(`${c.method} on ${c.dataset} / ${c.scenario}: bootstrap estimate ${c.bootstrap.estimate} in report.json, ${estimate} recomputed from the stored predictions`);
    }
  }
  return { html, rows: rows.length, compared, bootstrapChecked, failures };
}

export function describeRecomputeCheck(c: RecomputeCheck): string[] {
  return [
    `${c.failures.length === 0 ? 'PASS' : 'FAIL'} recomputation of ${c.html} from the store: ${c.rows} summary rows, ${c.compared} numbers compared (${c.bootstrapChecked} bootstrap estimates from stored predictions)`,
    ...c.failures.map((f) => `  failure: ${f}`),
  ];
}
