import type { ReportData } from './report-data.ts';
import type { ReportChart } from './charts.ts';

const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '–');
const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** `report.md`: the paper tables in Markdown, the selection statements, warnings and gaps, links to the SVGs. */
export function renderMarkdown(data: ReportData, charts: ReportChart[]): string {
  const m = data.primaryMetric;
  const conf = Math.round(data.confidence * 100);
  const bconf = Math.round(data.bootstrap.confidence * 100);
  const out: string[] = [`# ${data.title}`, '', `Generated ${data.generatedAt} from \`${data.storeUri}\` (experiment \`${data.experiment}\`${data.sweepRunId ? `, sweep run \`${data.sweepRunId}\`` : ''}).`, ''];
  out.push(`Values are means over seeds ± sample std; [t] is the ${conf}% t-interval over seeds; [boot] the ${bconf}% bootstrap over test rows (${data.bootstrap.resamples} resamples: rows resampled, ${m} recomputed per seed from the logged predictions, averaged over seeds).`, '');
  out.push('## Main table', '', `| dataset | scenario | method | seeds | ${m} | [t] | [boot] | ${data.metrics.filter((x) => x !== m).join(' | ')} |`);
  out.push(`|${'---|'.repeat(6 + data.metrics.length)}`);
  for (const s of data.summary) {
    const p = s.metrics[m];
    const rest = data.metrics.filter((x) => x !== m).map((x) => `${f(s.metrics[x].mean)} ± ${f(s.metrics[x].std)}`);
    out.push(`| ${esc(s.dataset)} | ${esc(s.scenario)} | ${esc(s.method)}${s.variant && !s.selection ? ` [${esc(s.variant)}]` : ''}${s.sharedScenarios.length ? ' †' : ''}${s.warnings.length ? ' ⚠' : ''} | ${s.seeds.length} | ${f(p.mean)} ± ${f(p.std)} | [${f(p.tLower)}, ${f(p.tUpper)}] | [${f(s.bootstrap.lower)}, ${f(s.bootstrap.upper)}] | ${rest.join(' | ')} |`);
  }
  out.push('');
  if (data.shared.length) {
    out.push('† Shared across scenarios: one run per seed stands for several scenarios because the method ignores the scenario; its rows under those scenarios are the same runs and numbers.', '');
    out.push(...data.shared.map((s) => `- ${s}`), '');
  }
  if (data.notes.length) out.push(...data.notes.map((n) => `Note: ${n}`), '');
  if (data.improvements.length) {
    out.push(`## Improvement over baselines (${m})`, '', `Paired bootstrap: the same resampled test rows and the shared seeds for both methods; ${bconf}% intervals.`, '');
    out.push('| dataset | scenario | method | baseline | relative | [boot] | absolute | [boot] | P(better) | seeds | note |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const i of data.improvements) {
      out.push(`| ${esc(i.dataset)} | ${esc(i.scenario)} | ${esc(i.method)} | ${esc(i.baseline)} | ${pct(i.relative)} | [${pct(i.relativeLower)}, ${pct(i.relativeUpper)}] | ${f(i.absolute)} | [${f(i.absoluteLower)}, ${f(i.absoluteUpper)}] | ${f(i.fractionBetter, 3)} | ${i.sharedSeeds.length} | ${esc(i.note)} |`);
    }
    out.push('');
  }
  out.push('## Model selection', '', `Selection metric: \`${data.validationMetric}\` (validation on observed labels; never test).`, '');
  out.push(...(data.selections.length ? data.selections.map((s) => `- ${s}`) : ['- No method had several hyper-parameter variants.']), '');
  out.push('## Warnings', '', ...(data.warnings.length ? data.warnings.map((w) => `- ${w}`) : ['- none']), '');
  out.push('## Missing and failed cells', '');
  if (data.missing.length) {
    out.push('| dataset | scenario | method | variant | seed | status | run | reason |', '|---|---|---|---|---|---|---|---|');
    for (const x of data.missing) out.push(`| ${esc(x.dataset)} | ${esc(x.scenario)} | ${esc(x.method)} | ${esc(x.variant)} | ${Number.isNaN(x.seed) ? '–' : x.seed} | ${x.status} | ${x.runId} | ${esc(x.reason)} |`);
  } else out.push('None: every expected cell finished.');
  out.push('', '## Charts', '', ...charts.map((c) => `- [${c.title}](charts/${c.name}.svg)`), '', '## Environment', '');
  out.push(...data.environment.map((e) => `- ${e.key}: ${e.values.join(', ')}`), '', 'Tables as CSV: `tables/*.csv`.', '');
  return out.join('\n');
}
