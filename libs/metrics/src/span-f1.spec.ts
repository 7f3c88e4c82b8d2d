import { extractSpans, spanF1 } from './span-f1.ts';

// Expected spans follow seqeval 1.2.2's default mode (get_entities), worked out by hand.
describe('extractSpans (seqeval default mode)', () => {
  it('reads B-/I- spans, sentence offsets include the O seqeval inserts between sentences', () => {
    expect(extractSpans([['O', 'B-PER', 'I-PER', 'O'], ['B-LOC']])).toEqual([
      { type: 'PER', start: 1, end: 2 },
      { type: 'LOC', start: 5, end: 5 },
    ]);
  });

  it('an I- without a preceding B- starts a span; a type change splits one', () => {
    expect(extractSpans([['I-PER', 'I-PER', 'O', 'I-LOC']])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
    ]);
    expect(extractSpans([['B-PER', 'I-LOC', 'I-LOC']])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'LOC', start: 1, end: 2 },
    ]);
    expect(extractSpans([['B-PER', 'B-PER']])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'PER', start: 1, end: 1 },
    ]);
  });

  it('handles IOBES tags', () => {
    expect(extractSpans([['B-PER', 'E-PER', 'S-LOC', 'I-ORG', 'E-ORG']])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 2, end: 2 },
      { type: 'ORG', start: 3, end: 4 },
    ]);
  });

  it('rejects a malformed tag naming it and where', () => {
    expect(() => extractSpans([['O', 'PER']])).toThrow('tag "PER" at sentence 0, token 1 is not O or B-/I-/E-/S-<type>');
  });
});

describe('spanF1', () => {
  it("reproduces seqeval's README example (f1 0.5)", () => {
    const yTrue = [['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const yPred = [['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    expect(spanF1(yTrue, yPred)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, truePositives: 1, predicted: 2, actual: 2 });
  });

  it('counts an I-started span equal to a B-started one', () => {
    expect(spanF1([['O', 'B-PER', 'I-PER']], [['O', 'I-PER', 'I-PER']]).f1).toBe(1);
  });

  it('precision and recall are 0 when nothing is predicted', () => {
    expect(spanF1([['B-PER']], [['O']])).toMatchObject({ precision: 0, recall: 0, f1: 0, actual: 1 });
  });

  it('mixed case: 3 true, 2 predicted, 1 right', () => {
    // true: PER(0,1) LOC(3,3) ORG(5,5); pred: PER(0,0) LOC(3,3)
    const r = spanF1([['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'B-ORG']], [['B-PER', 'O', 'O', 'B-LOC', 'O', 'O']]);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBeCloseTo(1 / 3, 15);
    expect(r.f1).toBeCloseTo(0.4, 15);
  });

  it('rejects sentences of different lengths naming the sentence', () => {
    expect(() => spanF1([['O', 'O']], [['O']])).toThrow('sentence 0 has 2 true tags but 1 predicted');
    expect(() => spanF1([['O']], [])).toThrow('yTrue has 1 sentences but yPred has 0');
  });
});
