import { aggregateCells, selectVariants } from './aggregate-cells.ts';
import { assignVariants, type ReportRun } from './report-run.ts';

function run(method: string, seed: number, metrics: Record<string, number>, params: Record<string, string> = {}, scenario = 'keep50'): ReportRun {
  return {
    runId: `${method}-${seed}-${JSON.stringify(params)}`,
    runName: '',
    status: 'FINISHED',
    startTime: 0,
    endTime: 0,
    dataset: 'd',
    scenario,
    method,
    seed,
    cellId: '',
    variant: '',
    params: { seed: String(seed), method, 'scenario.name': scenario, ...params },
    tags: {},
    metrics,
  };
}

const options = { metrics: ['map_macro', 'map_hard'], validationMetric: 'val', confidence: 0.95 };

describe('aggregateCells', () => {
  test('mean, sample std, standard error and t-interval over seeds, computed by hand', () => {
    const runs = [run('a', 1, { map_macro: 0.5, map_hard: 0.4 }), run('a', 2, { map_macro: 0.6, map_hard: 0.2 }), run('a', 3, { map_macro: 0.7 })];
    assignVariants(runs);
    const [cell] = aggregateCells(runs, options);
    expect(cell.seeds).toEqual([1, 2, 3]);
    expect(cell.availability).toBe(0.5);
    const m = cell.metrics['map_macro'];
    expect(m.n).toBe(3);
    expect(m.mean).toBeCloseTo(0.6, 12);
    expect(m.std).toBeCloseTo(0.1, 12);
    expect(m.se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(m.tUpper - m.mean).toBeCloseTo((4.302652729749464 * 0.1) / Math.sqrt(3), 8);
    // map_hard is a gap in seed 3: two seeds, not three with a zero.
    const h = cell.metrics['map_hard'];
    expect(h.n).toBe(2);
    expect(h.mean).toBeCloseTo(0.3, 12);
    expect(h.std).toBeCloseTo(Math.sqrt(0.02), 12);
    // A metric nobody logged: n = 0, NaN everywhere.
    expect(cell.validation.n).toBe(0);
    expect(Number.isNaN(cell.validation.mean)).toBe(true);
  });

  test('one seed: mean only, std/se/interval NaN', () => {
    const [cell] = aggregateCells([run('a', 7, { map_macro: 0.42 })], options);
    expect(cell.metrics['map_macro'].mean).toBe(0.42);
    expect(Number.isNaN(cell.metrics['map_macro'].std)).toBe(true);
    expect(Number.isNaN(cell.metrics['map_macro'].tLower)).toBe(true);
  });

  test('variants are the params that differ within a method; selection by validation, never test', () => {
    const runs = [
      // lr 1e-3: better on TEST, worse on validation; lr 1e-4 must win.
      run('a', 1, { map_macro: 0.9, val: 0.3 }, { 'target.lr': '0.001', 'eval.batch': '8' }),
      run('a', 2, { map_macro: 0.9, val: 0.3 }, { 'target.lr': '0.001', 'eval.batch': '16' }),
      run('a', 1, { map_macro: 0.5, val: 0.6 }, { 'target.lr': '0.0001' }),
      run('a', 2, { map_macro: 0.5, val: 0.5 }, { 'target.lr': '0.0001' }),
      run('b', 1, { map_macro: 0.4, val: 0.1 }),
    ];
    assignVariants(runs);
    expect(runs.map((r) => r.variant)).toEqual(['target.lr=0.001', 'target.lr=0.001', 'target.lr=0.0001', 'target.lr=0.0001', '']);
    const cells = aggregateCells(runs, options);
    const { statements, warnings } = selectVariants(cells, 'val');
    const selected = cells.filter((c) => c.selected);
    expect(selected.map((c) => `${c.method} ${c.variant}`)).toEqual(['a target.lr=0.0001', 'b ']);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('selected target.lr=0.0001 by mean val 0.5500 over 2 seeds');
    expect(warnings).toEqual([]);
  });

  test('no selection without a validation metric on every variant: all variants kept, said so', () => {
    const runs = [run('a', 1, { map_macro: 0.9 }, { 'target.lr': '0.001' }), run('a', 1, { map_macro: 0.5, val: 0.6 }, { 'target.lr': '0.0001' })];
    assignVariants(runs);
    const cells = aggregateCells(runs, options);
    const { warnings } = selectVariants(cells, 'val');
    expect(cells.every((c) => c.selected)).toBe(true);
    expect(warnings[0]).toContain('no selection made');
  });
});
