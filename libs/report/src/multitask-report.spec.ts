import { formatStat, multitaskChartSpec, renderMultitaskReport } from './multitask-report.ts';
import { multitaskColumns, summarizeMultitaskStudy, type MultitaskStudyRun } from './multitask-study.ts';

/** A synthetic study: 2 backbones x 2 methods x 3 seeds with figures chosen so every summary is known. */
function syntheticRuns(): MultitaskStudyRun[] {
  const runs: MultitaskStudyRun[] = [];
  for (const backbone of ['encoder', 'decoder']) {
    for (const method of ['single-task', 'multi-task']) {
      for (const seed of [0, 1, 2]) {
        const multi = method === 'multi-task' ? 1 : 0;
        const dec = backbone === 'decoder' ? 1 : 0;
        runs.push({
          runId: `${backbone[0]}${method[0]}${seed}`,
          method,
          backbone,
          seed,
          metrics: {
            // accuracy: 0.60 / 0.62 / 0.64 (+0.01 for multi-task, +0.1 for the decoder)
            'test.section.accuracy': 0.6 + 0.02 * seed + 0.01 * multi + 0.1 * dec,
            'test.section.f1_macro': 0.5,
            'test.section.rows': 1218,
            'test.tags.map_macro': 0.4 - 0.01 * multi,
            'test.tags.map_micro': 0.7,
            'val.section.accuracy': 0.55,
            // single-task serves two models: twice the latency and parameters of one multi-task model
            'latency.b1.p50_ms': (multi ? 5 : 10) + seed,
            'latency.b1.p95_ms': multi ? 8 : 16,
            'latency.b32.p50_ms': multi ? 50 : 100,
            'latency.b32.p95_ms': multi ? 60 : 120,
            'latency.parameters': multi ? 100_000 : 200_000,
          },
        });
      }
    }
  }
  return runs;
}

describe('multi-task study report', () => {
  it('columns: per-task test scores in metric order, then latency by batch size, parameters, then validation; row counts left out', () => {
    expect(multitaskColumns(syntheticRuns()).map((c) => c.label)).toEqual([
      'section accuracy',
      'section macro F1',
      'tags macro mAP',
      'tags micro mAP',
      'p50 b=1',
      'p95 b=1',
      'p50 b=32',
      'p95 b=32',
      'parameters',
      'val section accuracy',
    ]);
  });

  it('mean and sample sd over seeds per backbone x method; multi - single paired by seed; gaps named', () => {
    const s = summarizeMultitaskStudy(syntheticRuns());
    expect(s.rows.map((r) => `${r.backbone} ${r.method} ${r.seeds.join('')}`)).toEqual(['encoder single-task 012', 'encoder multi-task 012', 'decoder single-task 012', 'decoder multi-task 012']);
    const encSingle = s.rows[0]!.stats['test.section.accuracy']!;
    expect(encSingle.mean).toBeCloseTo(0.62, 12);
    expect(encSingle.sd).toBeCloseTo(0.02, 12);
    expect(s.rows[3]!.stats['test.section.accuracy']!.mean).toBeCloseTo(0.73, 12);
    const d = (backbone: string, key: string) => s.deltas.find((x) => x.backbone === backbone && x.key === key)!;
    expect(d('encoder', 'test.section.accuracy').diff.mean).toBeCloseTo(0.01, 12);
    // Paired differences are constant here: sd 0 (unpaired, the seed spread would show).
    expect(d('encoder', 'test.section.accuracy').diff.sd).toBeCloseTo(0, 12);
    expect(d('decoder', 'test.tags.map_macro').diff.mean).toBeCloseTo(-0.01, 12);
    expect(d('encoder', 'latency.parameters').ratio).toBeCloseTo(0.5, 12);
    // p50 b=1: (5+s)/(10+s) for s = 0, 1, 2.
    expect(d('decoder', 'latency.b1.p50_ms').ratio).toBeCloseTo((5 / 10 + 6 / 11 + 7 / 12) / 3, 12);
    expect(s.gaps).toEqual([]);

    const partial = syntheticRuns().filter((r) => !(r.backbone === 'decoder' && r.method === 'multi-task') && !(r.backbone === 'encoder' && r.method === 'multi-task' && r.seed === 2));
    const p = summarizeMultitaskStudy(partial);
    expect(p.gaps).toEqual(['encoder: seed(s) 2 run by one method only (left out of the paired differences)', 'decoder multi-task: no run']);
    expect(p.deltas.find((x) => x.backbone === 'encoder' && x.key === 'test.section.accuracy')!.diff.n).toBe(2);
    expect(p.deltas.some((x) => x.backbone === 'decoder')).toBe(false);
  });

  it('formats mean ± sd, a lone seed without sd, integers with separators, nothing as a dash', () => {
    expect(formatStat({ mean: 0.61234, sd: 0.0123, n: 3, values: [] }, { digits: 3 })).toBe('0.612 ± 0.012');
    expect(formatStat({ mean: 0.5, sd: NaN, n: 1, values: [0.5] }, { digits: 3 })).toBe('0.500');
    expect(formatStat({ mean: 123456, sd: 0, n: 3, values: [] }, { digits: 0 })).toBe('123,456 ± 0');
    expect(formatStat(undefined, { digits: 3 })).toBe('—');
  });

  it('renders markdown and a self-contained HTML page with the chart as SVG and its vega-lite spec', async () => {
    const runs = syntheticRuns();
    const r = await renderMultitaskReport(runs, { title: 'Single- vs multi-task', description: 'synthetic', meta: { 'load average': '1.00 0.90 0.80' } });
    expect(r.markdown).toContain('| encoder | single-task | 3 | 0.620 ± 0.020 | 0.500 ± 0.000 | 0.400 ± 0.000 | 0.700 ± 0.000 | 11.00 ± 1.00 | 16.00 ± 0.00 | 100.00 ± 0.00 | 120.00 ± 0.00 | 200,000 ± 0 |');
    expect(r.markdown).toContain('| encoder | section accuracy | 0.010 ± 0.000 | 1.016 | 3 |');
    expect(r.markdown).toContain('| encoder | parameters | -100,000 ± 0 | 0.500 | 3 |');
    expect(r.markdown).toContain('- load average: 1.00 0.90 0.80');
    expect(r.markdown).toContain('- encoder single-task: seed 0 es0, seed 1 es1, seed 2 es2');
    expect(r.html).toMatch(/^<!doctype html>/);
    expect(r.html).toContain('<svg');
    // Facet titles of both panels are drawn.
    expect(r.html).toContain('section accuracy');
    expect(r.html).toContain('p95 b=32 (ms)');
    // Self-contained: nothing is loaded from anywhere.
    expect(r.html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/);
    const embedded = /<script type="application\/json" id="vega-lite-spec">([^<]*)<\/script>/.exec(r.html)?.[1];
    expect(JSON.parse(embedded as string)).toEqual(JSON.parse(JSON.stringify(r.spec)));
    // One data point per run and shown figure (validation is in the table only).
    const values = (multitaskChartSpec(runs) as unknown as { data: { values: { group: string }[] } }).data.values;
    expect(values.length).toBe(12 * 9);
    expect(values.filter((v) => v.group === 'cost').length).toBe(12 * 5);
  });

  it('an empty study renders a page that says so', async () => {
    const r = await renderMultitaskReport([], { title: 'empty' });
    expect(r.html).toContain('No finished run of this study yet.');
    expect(r.summary.rows).toEqual([]);
  });
});
