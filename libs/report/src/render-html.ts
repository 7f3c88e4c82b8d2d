import type { ReportChart } from './charts.ts';
import type { ReportData } from './report-data.ts';
import type { FlatTable } from './report-tables.ts';
import { browserBundles } from './browser-bundles.ts';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Inline <script> content must not close the tag early. */
const scriptSafe = (code: string): string => code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

function cell(v: string | number | null): string {
  if (v === null) return '<td class="gap" data-v="">–</td>';
  if (typeof v === 'number') return `<td class="num" data-v="${v}">${Number.isInteger(v) ? v : v.toFixed(4)}</td>`;
  return `<td data-v="${escapeHtml(v)}">${escapeHtml(v)}</td>`;
}

function tableHtml(t: FlatTable): string {
  if (t.rows.length === 0) return `<h3>${escapeHtml(t.title)}</h3><p class="none">none</p>`;
  const head = t.columns.map((c) => `<th title="click to sort">${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => cell(r[c] ?? null)).join('')}</tr>`).join('\n');
  return `<h3 id="table-${t.name}">${escapeHtml(t.title)}</h3><div class="scroll"><table class="sortable" data-name="${t.name}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function listHtml(items: string[], empty: string): string {
  return items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : `<p class="none">${escapeHtml(empty)}</p>`;
}

/**
 * One self-contained HTML page: vega, vega-lite and vega-embed inlined, data inlined, no external URL at all
 * (the report opens offline, from an artifact store or an e-mail). `window.__reportCharts` records each chart's
 * outcome for the browser test.
 */
export function renderHtml(data: ReportData, charts: ReportChart[], tables: FlatTable[]): string {
  const bundles = browserBundles();
  const kv = (rows: { key: string; values: string[] }[]): string =>
    `<table class="kv">${rows.map((r) => `<tr><th>${escapeHtml(r.key)}</th><td>${escapeHtml(r.values.join(', '))}</td></tr>`).join('')}</table>`;
  const versions = [...data.environment, { key: 'report renderer', values: bundles.map((b) => `${b.name} ${b.version}`) }];
  const chartDivs = charts.map((c) => `<section class="chart"><h3>${escapeHtml(c.title)}</h3><div id="chart-${c.name}" class="vis" data-chart="${c.name}"></div></section>`).join('\n');
  const specs = JSON.stringify(Object.fromEntries(charts.map((c) => [c.name, c.spec])));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:12px;margin:.4em 0 1.2em}th,td{border:1px solid #ddd;padding:3px 6px}
th{background:#f4f4f4;cursor:pointer;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.gap{color:#aaa;text-align:center}.scroll{overflow:auto;max-height:480px}.warn{background:#fff6e0;padding:.5em 1em;border-left:4px solid #e0a000}
.none{color:#777}table.kv th{text-align:left;cursor:default}.chart{margin:1em 0}
</style></head><body>
<h1>${escapeHtml(data.title)}</h1>
<p>Generated ${escapeHtml(data.generatedAt)} from <code>${escapeHtml(data.storeUri)}</code>, experiment <code>${escapeHtml(data.experiment)}</code>${data.sweepRunId ? `, sweep run <code>${escapeHtml(data.sweepRunId)}</code>` : ''}.
Means over seeds ± sample std; t-intervals at ${Math.round(data.confidence * 100)}% over seeds; bootstrap at ${Math.round(data.bootstrap.confidence * 100)}% over test rows (${data.bootstrap.resamples} resamples) for ${escapeHtml(data.primaryMetric)}.
Model selection by <code>${escapeHtml(data.validationMetric)}</code> (validation, observed labels). Baselines: ${escapeHtml(data.baselines.join(', ') || 'none present')}.</p>
<h2>Warnings</h2><div class="${data.warnings.length ? 'warn' : ''}">${listHtml(data.warnings, 'none')}</div>
<h2>Model selection</h2>${listHtml(data.selections, 'No method had several hyper-parameter variants.')}
${data.shared.length ? `<h2 id="shared">Runs shared across scenarios</h2><p>Rows with a <code>shared_across</code> value are the same runs under each listed scenario: the method ignores the scenario, so the sweep ran those grid points once. They are not independent results.</p>${listHtml(data.shared, '')}` : ''}
${data.notes.length ? `<h2>Notes</h2>${listHtml(data.notes, '')}` : ''}
<h2>Tables</h2>
${tables.map(tableHtml).join('\n')}
<h2>Charts</h2>
${chartDivs}
<h2>Environment</h2>${kv(versions)}
<h2>Configuration (distinct values over the runs)</h2><div class="scroll">${kv(data.config)}</div>
${bundles.map((b) => `<script>/* ${b.name} ${b.version} */\n${scriptSafe(b.code)}</script>`).join('\n')}
<script>
(function(){
  var specs = ${scriptSafe(specs)};
  window.__reportCharts = {};
  var pending = Object.keys(specs).map(function(name){
    return vegaEmbed('#chart-' + name, specs[name], {renderer:'svg', actions:false})
      .then(function(){ window.__reportCharts[name] = 'ok'; })
      .catch(function(e){ window.__reportCharts[name] = 'error: ' + e; console.error('chart ' + name + ': ' + e); });
  });
  window.__reportReady = Promise.all(pending);
  document.querySelectorAll('table.sortable th').forEach(function(th, _){
    th.addEventListener('click', function(){
      var table = th.closest('table'), idx = Array.prototype.indexOf.call(th.parentNode.children, th);
      var asc = th.getAttribute('data-sort') !== 'asc';
      th.parentNode.querySelectorAll('th').forEach(function(h){ h.removeAttribute('data-sort'); });
      th.setAttribute('data-sort', asc ? 'asc' : 'desc');
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      rows.sort(function(a, b){
        var x = a.cells[idx].getAttribute('data-v'), y = b.cells[idx].getAttribute('data-v');
        if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
        var nx = Number(x), ny = Number(y);
        var c = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
        return asc ? c : -c;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
})();
</script>
</body></html>
`;
}
