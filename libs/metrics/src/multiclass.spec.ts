import { accuracy } from './accuracy.ts';
import { argmaxRows } from './class-labels.ts';
import { multiClassMacroF1 } from './multiclass-f1.ts';
import { loadSklearnReference } from './sklearn-reference.ts';

const ref = loadSklearnReference();

describe('multi-class accuracy and macro F1', () => {
  it('hand-computed', () => {
    // classes 0,1,2; 2 never true but predicted once -> F1 0 for it and still averaged in (as scikit-learn)
    const y = [0, 0, 1, 1];
    const p = [0, 1, 1, 2];
    expect(accuracy(y, p)).toBe(0.5);
    const f1 = multiClassMacroF1(y, p);
    expect(f1.classes).toEqual([0, 1, 2]);
    // class 0: TP1 FP0 FN1 -> 2/3; class 1: TP1 FP1 FN1 -> 1/2; class 2: 0
    expect(f1.perClass).toEqual([2 / 3, 0.5, 0]);
    expect(f1.value).toBeCloseTo((2 / 3 + 0.5) / 3, 14);
  });

  it(`equals scikit-learn (${ref.producedBy})`, () => {
    for (const c of ref.multiclass) {
      expect(accuracy(c.yTrue, Int32Array.from(c.yPred))).toBeCloseTo(c.accuracy, 14);
      expect(multiClassMacroF1(c.yTrue, c.yPred).value).toBeCloseTo(c.macroF1, 12);
    }
  });

  it('argmax takes the first maximum', () => {
    expect([...argmaxRows([[0.1, 0.7, 0.2], [0.5, 0.5, 0.1]])]).toEqual([1, 0]);
  });

  it('rejects bad class ids naming them', () => {
    expect(() => accuracy([0, 1.5], [0, 1])).toThrow('yTrue[1] must be a non-negative integer class id, got 1.5');
    expect(() => multiClassMacroF1([0, 1], [0, -1])).toThrow('yPred[1] must be a non-negative integer class id, got -1');
    expect(() => accuracy([], [])).toThrow('yTrue is empty');
    expect(() => accuracy([0], [0, 1])).toThrow('yTrue has 1 entries but yPred has 2');
  });
});
