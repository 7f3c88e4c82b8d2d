import { lbfgs } from './lbfgs.ts';
import { TfidfLogReg } from './tfidf-logreg.ts';
import { TfidfVectorizer } from './tfidf-vectorizer.ts';

describe('TfidfVectorizer', () => {
  it('computes smooth idf, sublinear tf and L2-normalised rows as scikit-learn', () => {
    const v = new TfidfVectorizer().fit(['apt apt get', 'apt install', 'a b']);
    // Terms of 2+ characters only: 'a' and 'b' are dropped; vocabulary sorted.
    expect(v.vocabularySize).toBe(3);
    const x = v.transform(['apt apt get']);
    // idf(apt) = ln(4/3) + 1, idf(get) = ln(4/2) + 1; tf(apt) = 1 + ln 2.
    const apt = (1 + Math.log(2)) * (Math.log(4 / 3) + 1);
    const get = 1 * (Math.log(2) + 1);
    const norm = Math.hypot(apt, get);
    expect(Array.from(x.indices)).toEqual([0, 1]); // 'apt' < 'get' < 'install'
    expect(x.values[0]).toBeCloseTo(apt / norm, 6);
    expect(x.values[1]).toBeCloseTo(get / norm, 6);
    expect(v.transform(['unseen words only']).indptr[1]).toBe(0);
  });

  it('adds word bigrams when ngramMax is 2', () => {
    expect(new TfidfVectorizer({ ngramMax: 2 }).terms('Open Free Fiasco')).toEqual(['open', 'free', 'fiasco', 'open free', 'free fiasco']);
  });
});

describe('lbfgs', () => {
  it('minimises a badly conditioned quadratic', () => {
    const scales = [1, 10, 100, 1000];
    const r = lbfgs((x, g) => {
      let f = 0;
      scales.forEach((s, i) => {
        const d = (x[i] as number) - (i + 1);
        f += 0.5 * s * d * d;
        g[i] = s * d;
      });
      return f;
    }, new Float64Array(4), { gradTolerance: 1e-8 });
    expect(r.converged).toBe(true);
    Array.from(r.x).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 6));
  });
});

describe('TfidfLogReg', () => {
  it('reaches the optimum of the regularised log loss (zero gradient) and separates a clear signal', () => {
    const texts = ['gtk gui desktop', 'gtk widgets gui', 'server daemon network', 'network daemon tcp', 'gui editor gtk', 'tcp server daemon'];
    const labels = [[1, 0], [1, 0], [0, 1], [0, 1], [1, 0], [0, 1]];
    const model = new TfidfLogReg({ c: 10, gradTolerance: 1e-9 }).fit(texts, labels);
    expect(model.fits.every((f) => f.converged)).toBe(true);
    const p = model.predict(['gtk gui', 'daemon tcp']);
    expect(p[0]?.[0]).toBeGreaterThan(0.8);
    expect(p[0]?.[1]).toBeLessThan(0.2);
    expect(p[1]?.[1]).toBeGreaterThan(0.8);
    // Stationarity check by finite differences on label 0's objective is implied by the gradient tolerance;
    // here: a larger C (less regularisation) gives more confident predictions.
    const loose = new TfidfLogReg({ c: 1000 }).fit(texts, labels).predict(['gtk gui']);
    expect(loose[0]?.[0]).toBeGreaterThan(p[0]?.[0] as number);
  });

  it('rejects a bad C and mismatched rows', () => {
    expect(() => new TfidfLogReg({ c: 0 })).toThrow(/baseline.c: c must be > 0, got 0/);
    expect(() => new TfidfLogReg().fit(['a'], [])).toThrow(/1 texts but 0 label rows/);
  });
});
