import type { SweepCell } from './expand-sweep.ts';
import { SweepScheduler } from './sweep-scheduler.ts';

const cell = (method: string, seed: number, scenario = 'keep50'): SweepCell =>
  ({ id: `${method}-${scenario}-${seed}`, label: `${method} ${scenario} seed ${seed}`, config: { method, seed, scenario: { name: scenario } } }) as unknown as SweepCell;

/** Every method starts from the stage 1 of its seed (as the DALLMi methods do), except 'scratch'. */
const keyOf = (c: SweepCell): string | undefined => (c.config.method === 'scratch' ? undefined : `stage1-seed${c.config.seed}`);

describe('SweepScheduler', () => {
  it('starts every stage 1 first, the key with most cells first, so that no worker waits on a lock', () => {
    const cells = [cell('a', 0), cell('b', 0), cell('a', 1), cell('b', 1), cell('c', 1)];
    const cache = new Set<string>();
    const s = new SweepScheduler(cells, keyOf, (k) => cache.has(k));
    expect(s.next()?.id).toBe('a-keep50-1'); // seed 1 has 3 cells
    expect(s.next()?.id).toBe('a-keep50-0');
    // Both keys in training, nothing ready: the third worker waits on the first cell's key.
    expect(s.next()?.id).toBe('b-keep50-0');
  });

  it('prefers a ready cell over one that would wait on a lock', () => {
    const cells = [cell('a', 0), cell('b', 0), cell('scratch', 0)];
    const s = new SweepScheduler(cells, keyOf, () => false);
    expect(s.next()?.id).toBe('a-keep50-0');
    expect(s.next()?.id).toBe('scratch-keep50-0'); // b would wait on stage1-seed0
    expect(s.next()?.id).toBe('b-keep50-0');
    expect(s.next()).toBeUndefined();
  });

  it('hands out ready cells longest first, learning lengths per method without stage 1; unseen methods first', () => {
    const cells = [cell('short', 0), cell('short', 0, 'keep10'), cell('long', 0), cell('long', 0, 'keep10'), cell('new', 0)];
    const cache = new Set<string>();
    const s = new SweepScheduler(cells, keyOf, (k) => cache.has(k));
    const first = s.next() as SweepCell;
    expect(first.id).toBe('short-keep50-0'); // trains stage 1
    cache.add('stage1-seed0');
    s.ended(first, { finished: true, seconds: 50, phases: { 'stage1.train': 45, 'method.train': 4 } }); // short: 5 s
    const second = s.next() as SweepCell; // long and new are unseen: the first of them in order
    expect(second.id).toBe('long-keep50-0');
    s.ended(second, { finished: true, seconds: 30, phases: { 'stage1.load': 1 } }); // long: 29 s
    expect(s.estimate(cells[3] as SweepCell)).toBe(29);
    // CPU seconds win over wall seconds (a busy machine stretched this one), stage 1's share left out.
    const probe = new SweepScheduler([cell('m', 0)], keyOf, () => true);
    probe.ended(cell('m', 0), { finished: true, seconds: 100, cpu: 20, phases: { 'stage1.load': 50 } });
    expect(probe.estimate(cell('m', 0))).toBe(10);
    expect(s.next()?.id).toBe('new-keep50-0'); // unseen: longest in doubt
    expect(s.next()?.id).toBe('long-keep10-0');
    expect(s.next()?.id).toBe('short-keep10-0');
  });

  it('gives a key whose training cell failed (no stage 1 in the cache) to the next cell', () => {
    const cells = [cell('a', 0), cell('b', 0)];
    const s = new SweepScheduler(cells, keyOf, () => false);
    const a = s.next() as SweepCell;
    s.ended(a, { finished: false, seconds: 1 });
    expect(s.next()?.id).toBe('b-keep50-0');
    expect(s.remaining).toBe(0);
  });
});
