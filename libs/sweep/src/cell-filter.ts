import { WorkbenchError, didYouMeanSuffix, getPath } from '@workbench/core';
import { leafPaths } from './sweep-schema.ts';
import type { SweepCell } from './expand-sweep.ts';

/** One clause of a filter: `path=v1|v2` or `path!=v1|v2`. */
interface Clause {
  path: string;
  negate: boolean;
  values: string[];
}

/** A parsed `--filter` expression: every clause must hold. */
export interface CellFilter {
  readonly text: string;
  matches(cell: SweepCell): boolean;
}

/**
 * Parses `--filter`: clauses separated by commas, all of which must hold; a clause is `path=value` or
 * `path!=value`, where `value` may list alternatives with `|` and `path` is any config path (`method`,
 * `scenario.name`, `seed`, `dallmi.mixup.level`, ...), `preset`, `label` (substring of the cell label) or `id`
 * (a prefix of the cell id). Values compare as text with the resolved config's value:
 * `method=dallmi|vpu,scenario.name=keep10,seed!=2`.
 */
export function parseCellFilter(text: string, source = '--filter'): CellFilter {
  const valid = [...leafPaths().keys(), 'id', 'label'];
  const clauses: Clause[] = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^([A-Za-z0-9_.]+)\s*(!=|=)\s*(.*)$/.exec(s);
      if (!m) throw new WorkbenchError('CLI_USAGE', `'${s}' is not a filter clause: expected path=value or path!=value (alternatives with |), e.g. method=dallmi,scenario.name=keep10`, { where: { source } });
      const [, path, op, rest] = m as unknown as [string, string, string, string];
      if (!valid.includes(path)) throw new WorkbenchError('CLI_USAGE', `unknown filter path '${path}'${didYouMeanSuffix(path, valid)}`, { where: { source } });
      const values = rest.split('|').map((v) => v.trim());
      if (values.some((v) => v === '')) throw new WorkbenchError('CLI_USAGE', `'${s}': an empty value`, { where: { source } });
      return { path, negate: op === '!=', values };
    });
  if (clauses.length === 0) throw new WorkbenchError('CLI_USAGE', 'an empty filter', { where: { source } });
  return {
    text,
    matches(cell) {
      return clauses.every((c) => {
        const hit = c.values.some((v) => clauseValueMatches(cell, c.path, v));
        return c.negate ? !hit : hit;
      });
    },
  };
}

function clauseValueMatches(cell: SweepCell, path: string, value: string): boolean {
  if (path === 'id') return cell.id.startsWith(value);
  if (path === 'label') return cell.label.includes(value);
  const actual = path === 'preset' ? cell.preset : getPath(cell.config as unknown as Record<string, unknown>, path);
  if (actual === undefined || actual === null) return value === 'null';
  return (typeof actual === 'object' ? JSON.stringify(actual) : String(actual)) === value;
}
