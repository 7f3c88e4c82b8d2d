import { rocAuc } from './roc-auc.ts';
import { loadSklearnReference } from './sklearn-reference.ts';

const ref = loadSklearnReference();

describe('rocAuc', () => {
  it('is the fraction of positive-negative pairs ranked right, ties counting 1/2 (hand-computed)', () => {
    // positives .9 and .7, negatives .8 and .1: .9 wins 2, .7 wins 1 -> 3/4
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBe(0.75);
    expect(rocAuc([1, 0, 1, 0], [0.4, 0.4, 0.4, 0.4])).toBe(0.5);
  });

  it(`equals scikit-learn's roc_auc_score (${ref.producedBy})`, () => {
    for (const c of [...ref.binary, ...ref.binaryFloat32]) {
      if (c.rocAuc !== null) expect(rocAuc(c.yTrue, Float64Array.from(c.scores))).toBeCloseTo(c.rocAuc, 12);
    }
  });

  it('is NaN with one class only (scikit-learn raises)', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(rocAuc([0, 0], [0.2, 0.3])).toBeNaN();
  });
});
