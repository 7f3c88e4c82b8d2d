import { Rng, createRng } from './rng.ts';

describe('Rng (xoshiro128**)', () => {
  it('is deterministic for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
  });

  it('differs between seeds', () => {
    expect(createRng(1).nextUint32()).not.toBe(createRng(2).nextUint32());
  });

  it('derive gives the same stream for the same seed and name, whatever was drawn before', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 100; i++) b.next();
    b.derive('other').next();
    const sa = a.derive('split');
    const sb = b.derive('split');
    expect([sa.next(), sa.next()]).toEqual([sb.next(), sb.next()]);
    expect(a.derive('split').derive('x').path).toBe('7/split/x');
    expect(a.derive('split').next()).not.toBe(a.derive('init').next());
  });

  it('rejects names with a slash (they would alias paths)', () => {
    expect(() => createRng(1).derive('a/b')).toThrow(/must not contain/);
  });

  it('draws uniform floats in [0,1) with the right mean', () => {
    const r = createRng(3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });

  it('int is unbiased over a small range', () => {
    const r = createRng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.int(3)]!++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect(() => r.int(0)).toThrow(/positive integer/);
  });

  it('normal, gamma and beta have the right moments', () => {
    const r = createRng(5);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
    let g = 0;
    for (let i = 0; i < n; i++) g += r.gamma(0.3);
    expect(g / n).toBeCloseTo(0.3, 1);
    // Beta(0.3, 0.3): mean 0.5, variance ab/((a+b)^2(a+b+1)) = 0.09/(0.36*1.6) = 0.15625
    let b = 0;
    let b2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.beta(0.3, 0.3);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
      b += x;
      b2 += x * x;
    }
    expect(b / n).toBeCloseTo(0.5, 1);
    expect(b2 / n - (b / n) ** 2).toBeCloseTo(0.15625, 1);
  });

  it('shuffle, permutation and sample are permutations / subsets', () => {
    const r = new Rng(9);
    expect(r.permutation(10).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const s = r.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(s).size).toBe(3);
    expect(() => r.sample([1], 2)).toThrow(/cannot draw/);
  });
});
