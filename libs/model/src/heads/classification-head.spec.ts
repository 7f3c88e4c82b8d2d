import { tf, useBackend } from '@workbench/tensor';
import { MultiClassHead, MultiLabelHead, TokenTaggingHead, type ClassificationHead } from './classification-head.ts';

/** Sets classifier.weight [in, out] and bias by hand. */
function setWeights(head: ClassificationHead, kernel: number[][], bias: number[]): void {
  head.variables().get('classifier.weight')?.assign(tf.tensor2d(kernel));
  head.variables().get('classifier.bias')?.assign(tf.tensor1d(bias));
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('classification heads', () => {
  beforeAll(() => useBackend('cpu'));
  const kernel = [
    [1, -1, 0.5],
    [2, 0, -1],
  ];
  const bias = [0.1, 0.2, -0.3];
  const x = [
    [1, 0],
    [0.5, -1],
  ];
  // logits = x W + b, by hand.
  const logits = [
    [1.1, -0.8, 0.2],
    [-1.4, -0.3, 0.95],
  ];

  it('multi-label: logits x W + b, sigmoid at predict, mean BCE with logits as loss', () => {
    const head = new MultiLabelHead({ inputSize: 2, numLabels: 3, dropout: 0.5 });
    setWeights(head, kernel, bias);
    const before = tf.memory().numTensors;
    const input = tf.tensor2d(x);
    const out = head.apply(input); // dropout is off outside training
    expect(out.shape).toEqual([2, 3]);
    (out.arraySync() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(logits.flat()[i] as number, 5));
    const p = head.predict(out);
    (p.arraySync() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(sigmoid(logits.flat()[i] as number), 5));
    const y = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const lossT = head.loss(out, tf.tensor2d(y));
    const expected = logits.flat().reduce((s, z, i) => s - ((y.flat()[i] as number) * Math.log(sigmoid(z)) + (1 - (y.flat()[i] as number)) * Math.log(1 - sigmoid(z))), 0) / 6;
    expect(lossT.dataSync()[0]).toBeCloseTo(expected, 5);
    const train = head.apply(input, { training: true });
    expect(train.arraySync()).not.toEqual(out.arraySync()); // dropout 0.5 changed something
    tf.dispose([input, out, p, lossT, train]);
    expect(tf.memory().numTensors).toBe(before + 1); // the label tensor made inline
    expect([...head.variables().keys()]).toEqual(['classifier.weight', 'classifier.bias']);
    expect(head.kind).toBe('multi-label');
    head.dispose();
  });

  it('multi-class: softmax at predict, cross-entropy on class ids as loss', () => {
    const head = new MultiClassHead({ inputSize: 2, numLabels: 3, dropout: 0 });
    setWeights(head, kernel, bias);
    const out = head.apply(tf.tensor2d(x));
    const p = head.predict(out).arraySync() as number[][];
    const softmax = (row: number[]): number[] => row.map((z) => Math.exp(z) / row.reduce((s, v) => s + Math.exp(v), 0));
    p.flat().forEach((v, i) => expect(v).toBeCloseTo(logits.map(softmax).flat()[i] as number, 5));
    const loss = head.loss(out, tf.tensor1d([0, 2], 'int32')).dataSync()[0];
    const expected = -(Math.log(softmax(logits[0] as number[])[0] as number) + Math.log(softmax(logits[1] as number[])[2] as number)) / 2;
    expect(loss).toBeCloseTo(expected, 5);
    head.dispose();
  });

  it('token tagging: per-token logits [batch, seq, tags]; positions labelled -100 do not count', () => {
    const head = new TokenTaggingHead({ inputSize: 2, numLabels: 3, dropout: 0 });
    setWeights(head, kernel, bias);
    const hidden = tf.tensor3d([x, [[0, 0], [9, 9]]]); // [2, 2, 2]
    const out = head.apply(hidden);
    expect(out.shape).toEqual([2, 2, 3]);
    const flat = out.arraySync() as number[][][];
    const ce = (row: number[], k: number): number => -Math.log(Math.exp(row[k] as number) / row.reduce((s, v) => s + Math.exp(v), 0));
    const loss = head.loss(out, tf.tensor2d([[1, -100], [2, -100]], [2, 2], 'int32')).dataSync()[0];
    expect(loss).toBeCloseTo((ce(flat[0]?.[0] as number[], 1) + ce(flat[1]?.[0] as number[], 2)) / 2, 5);
    // Changing the logits at ignored positions does not change the loss.
    const altered = tf.tensor3d([[flat[0]?.[0] as number[], [50, -50, 3]], [flat[1]?.[0] as number[], [-7, 7, 0]]]);
    expect(head.loss(altered, tf.tensor2d([[1, -100], [2, -100]], [2, 2], 'int32')).dataSync()[0]).toBeCloseTo(loss as number, 5);
    // All positions ignored: 0, not NaN.
    expect(Math.abs(head.loss(out, tf.fill([2, 2], -100, 'int32')).dataSync()[0] as number)).toBe(0);
    head.dispose();
  });

  it('rejects bad shapes and configs', () => {
    expect(() => new MultiLabelHead({ inputSize: 4 })).toThrow(/head.numLabels: numLabels must be a positive integer, got 0/);
    const head = new MultiLabelHead({ inputSize: 4, numLabels: 2 });
    expect(() => head.apply(tf.zeros([1, 3]))).toThrow(/multi-label head expects inputs of size 4, got \[1,3\]/);
    head.dispose();
  });
});
