/**
 * numpy's legacy `np.random.RandomState(seed)` (MT19937) as far as `permutation` needs it, so that the
 * reference code's `train_test_split(..., random_state=42)` can be reproduced row for row.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private pos = 624;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`Seed must be between 0 and 2**32 - 1, got ${seed}`);
    // numpy's mt19937_seed (Knuth's initialisation, as init_genrand).
    let s = seed >>> 0;
    for (let i = 0; i < 624; i++) {
      this.mt[i] = s;
      const x = s ^ (s >>> 30);
      s = (Math.imul(1812433253, x) + i + 1) >>> 0;
    }
  }

  private generate(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = ((mt[i] as number) & 0x80000000) | ((mt[(i + 1) % 624] as number) & 0x7fffffff);
      mt[i] = (mt[(i + 397) % 624] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  nextUint32(): number {
    if (this.pos >= 624) this.generate();
    let y = this.mt[this.pos++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's random_interval: uniform in [0, max] by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError('interval: max above 2**32 - 1 is not supported');
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const v = (this.nextUint32() & mask) >>> 0;
      if (v <= max) return v;
    }
  }

  /** `RandomState.permutation(n)`: arange(n) shuffled by the legacy Fisher-Yates from the end. */
  permutation(n: number): number[] {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = a[i] as number;
      a[i] = a[j] as number;
      a[j] = t;
    }
    return a;
  }
}

export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) (rounded up to rows, as scikit-learn does) or a row count. */
  testSize: number;
  randomState: number;
}

/**
 * scikit-learn's `train_test_split(range(n), test_size=..., random_state=..., shuffle=True)`: row indices of
 * the train and test parts, in scikit-learn's order (ShuffleSplit: test = perm[:n_test], train = the rest).
 */
export function sklearnTrainTestSplit(n: number, options: TrainTestSplitOptions): { train: number[]; test: number[] } {
  const { testSize, randomState } = options;
  const nTest = testSize > 0 && testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!Number.isInteger(nTest) || nTest <= 0 || nTest >= n) {
    throw new RangeError(`test_size=${testSize} with n_samples=${n} leaves an empty train or test set`);
  }
  const perm = new NumpyRandomState(randomState).permutation(n);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest) };
}
