import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '@workbench/report';

/** What a notebook cell returns to be shown by the Deno kernel (its `Symbol.for('Jupyter.display')` protocol). */
export interface Displayable {
  [key: symbol]: () => Record<string, unknown>;
}

const DISPLAY = Symbol.for('Jupyter.display');

/**
 * A vega-lite chart for a notebook output: the spec (JupyterLab renders it interactively) plus the SVG rendered
 * here, so the chart also shows where no vega renderer runs (nbconvert HTML, GitHub, a terminal viewer).
 */
export async function chart(spec: TopLevelSpec): Promise<Displayable> {
  const svg = await renderSvg(spec);
  return { [DISPLAY]: () => ({ 'application/vnd.vegalite.v5+json': spec, 'image/svg+xml': svg }) };
}

/** An HTML table of plain rows (first 50), numbers to 4 decimals. */
export function table(rows: readonly Record<string, unknown>[], limit = 50): Displayable {
  const cols = rows.length ? Object.keys(rows[0]) : [];
  const esc = (v: unknown): string => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const fmt = (v: unknown): string => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v === null || v === undefined ? '–' : esc(v));
  const html = `<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .slice(0, limit)
    .map((r) => `<tr>${cols.map((c) => `<td>${fmt(r[c])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>${rows.length > limit ? `<p>${rows.length - limit} more rows</p>` : ''}`;
  const text = [cols.join('\t'), ...rows.slice(0, limit).map((r) => cols.map((c) => fmt(r[c])).join('\t'))].join('\n');
  return { [DISPLAY]: () => ({ 'text/html': html, 'text/plain': text }) };
}
