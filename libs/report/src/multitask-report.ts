import type { TopLevelSpec } from 'vega-lite';
import { summarizeMultitaskStudy, type MultitaskColumn, type MultitaskStat, type MultitaskStudyRun, type MultitaskStudySummary } from './multitask-study.ts';
import { renderSvg } from './render-svg.ts';

export interface MultitaskReportOptions {
  title: string;
  description?: string;
  /** Shown under the title, in order (e.g. backend, load average of the latency benchmark, the commands run). */
  meta?: Record<string, string>;
}

export interface MultitaskReport {
  summary: MultitaskStudySummary;
  /** The chart (per-task scores and latency, mean +- sd over seeds, one point per seed). */
  spec: TopLevelSpec;
  markdown: string;
  /** One self-contained page: the chart as inline SVG (and its vega-lite spec), the tables; no script, no fetch. */
  html: string;
}

const METHODS = ['single-task', 'multi-task'];
const BACKBONES = ['encoder', 'decoder'];

/** `0.812 ± 0.013`; one seed: the value alone; no value: an em dash. */
export function formatStat(s: MultitaskStat | undefined, c: Pick<MultitaskColumn, 'digits'>): string {
  if (!s || s.n === 0) return '—';
  const f = (x: number): string => (c.digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(c.digits));
  return Number.isFinite(s.sd) ? `${f(s.mean)} ± ${f(s.sd)}` : f(s.mean);
}

interface Table {
  title: string;
  note: string;
  head: string[];
  rows: string[][];
}

function tables(summary: MultitaskStudySummary): Table[] {
  const { columns, rows, deltas } = summary;
  const main = columns.filter((c) => c.group !== 'val');
  const val = columns.filter((c) => c.group === 'val');
  const title = (c: MultitaskColumn): string => `${c.label}${c.unit ? ` (${c.unit})` : ''}`;
  const out: Table[] = [
    {
      title: 'Per-task test scores and serving cost',
      note: 'mean ± sd over seeds; latency per request serving every task (single-task: one model per task called one after another), after warm-up; parameters of every model served',
      head: ['backbone', 'method', 'seeds', ...main.map(title)],
      rows: rows.map((r) => [r.backbone, r.method, String(r.seeds.length), ...main.map((c) => formatStat(r.stats[c.key], c))]),
    },
    {
      title: 'Multi-task minus single-task, paired by seed',
      note: 'difference mean ± sd over seeds (scores: > 0 favours multi-task; latency and parameters: < 0 means multi-task is cheaper) and the mean ratio multi / single',
      head: ['backbone', 'figure', 'multi − single', 'multi / single', 'pairs'],
      rows: deltas
        .filter((d) => !d.key.startsWith('val.'))
        .map((d) => {
          const c = columns.find((x) => x.key === d.key) as MultitaskColumn;
          return [d.backbone, title(c), formatStat(d.diff, { digits: c.digits === 0 ? 0 : c.digits }), Number.isFinite(d.ratio) ? d.ratio.toFixed(3) : '—', String(d.diff.n)];
        }),
    },
  ];
  if (val.length) {
    out.push({
      title: 'Validation hold-out (rows held out of the training split; where hyper-parameters are chosen)',
      note: 'mean ± sd over seeds',
      head: ['backbone', 'method', 'seeds', ...val.map(title)],
      rows: rows.map((r) => [r.backbone, r.method, String(r.seeds.length), ...val.map((c) => formatStat(r.stats[c.key], c))]),
    });
  }
  return out;
}

/** Grouped bars (mean over seeds) with sd error bars and one dot per seed, a panel per figure; scores above, cost below. */
export function multitaskChartSpec(runs: readonly MultitaskStudyRun[], summary: MultitaskStudySummary = summarizeMultitaskStudy(runs)): TopLevelSpec {
  const shown = summary.columns.filter((c) => c.group !== 'val');
  const values = runs.flatMap((r) => shown.filter((c) => Number.isFinite(r.metrics[c.key])).map((c) => ({ backbone: r.backbone, method: r.method, seed: r.seed, figure: c.unit ? `${c.label} (${c.unit})` : c.label, group: c.group === 'test' ? 'scores' : 'cost', value: r.metrics[c.key] as number })));
  const x = { field: 'backbone', type: 'nominal', sort: BACKBONES, title: null, axis: { labelAngle: 0 } };
  const xOffset = { field: 'method', type: 'nominal', sort: METHODS };
  const panel = (group: string, title: string) => {
    const figures = shown.filter((c) => (c.group === 'test' ? 'scores' : 'cost') === group).map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label));
    return {
      title,
      transform: [{ filter: { field: 'group', equal: group } }],
      facet: { field: 'figure', type: 'nominal', sort: figures, title: null },
      columns: 4,
      spec: {
        width: 130,
        height: 130,
        layer: [
          { mark: { type: 'bar', opacity: 0.85 }, encoding: { x, xOffset, y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: null }, color: { field: 'method', type: 'nominal', sort: METHODS, title: 'method' } } },
          { mark: { type: 'errorbar', extent: 'stdev', ticks: true }, encoding: { x, xOffset, y: { field: 'value', type: 'quantitative' } } },
          { mark: { type: 'point', filled: true, size: 14, color: '#222' }, encoding: { x, xOffset, y: { field: 'value', type: 'quantitative' }, tooltip: [{ field: 'method' }, { field: 'backbone' }, { field: 'seed' }, { field: 'value', format: '.4f' }] } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    };
  };
  const panels = [panel('scores', 'Per-task test scores (bar: mean over seeds, whisker: ± sd, dot: one seed)')];
  if (values.some((v) => v.group === 'cost')) panels.push(panel('cost', 'Serving cost (every task per request)'));
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values }, vconcat: panels, config: { font: 'sans-serif' } } as unknown as TopLevelSpec;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The study's report: summary, chart spec, markdown and a self-contained HTML page. */
export async function renderMultitaskReport(runs: readonly MultitaskStudyRun[], options: MultitaskReportOptions): Promise<MultitaskReport> {
  const summary = summarizeMultitaskStudy(runs);
  const spec = multitaskChartSpec(runs, summary);
  const svg = runs.length ? await renderSvg(spec) : '';
  const ts = tables(summary);
  const meta = Object.entries(options.meta ?? {});
  const runList = summary.rows.map((r) => `${r.backbone} ${r.method}: ${r.seeds.map((s, i) => `seed ${s} ${r.runIds[i]}`).join(', ')}`);

  const md: string[] = [`# ${options.title}`, ''];
  if (options.description) md.push(options.description, '');
  for (const [k, v] of meta) md.push(`- ${k}: ${v}`);
  if (meta.length) md.push('');
  for (const t of ts) {
    md.push(`## ${t.title}`, '', `_${t.note}_`, '', `| ${t.head.map(mdCell).join(' | ')} |`, `|${t.head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const r of t.rows) md.push(`| ${r.map(mdCell).join(' | ')} |`);
    md.push('');
  }
  if (summary.gaps.length) md.push('## Gaps', '', ...summary.gaps.map((g) => `- ${g}`), '');
  md.push('## Runs', '', ...runList.map((l) => `- ${l}`), '');

  const htmlTable = (t: Table): string =>
    `<h2>${esc(t.title)}</h2><p class="note">${esc(t.note)}</p><table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= 2 ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.note{color:#555;font-size:90%}.meta{color:#444}figure{margin:1em 0;overflow-x:auto}</style>
</head><body>
<h1>${esc(options.title)}</h1>
${options.description ? `<p>${esc(options.description)}</p>` : ''}
${meta.length ? `<ul class="meta">${meta.map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>`).join('')}</ul>` : ''}
${runs.length ? `<figure>${svg}</figure>` : '<p>No finished run of this study yet.</p>'}
${ts.map(htmlTable).join('\n')}
${summary.gaps.length ? `<h2>Gaps</h2><ul>${summary.gaps.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>` : ''}
<h2>Runs</h2><ul>${runList.map((l) => `<li><code>${esc(l)}</code></li>`).join('')}</ul>
<script type="application/json" id="vega-lite-spec">${JSON.stringify(spec).replace(/</g, '\\u003c')}</script>
</body></html>
`;
  return { summary, spec, markdown: md.join('\n'), html };
}
