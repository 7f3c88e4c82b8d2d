import { matrixFromFlat, checkBinaryMatrix } from './matrix.ts';

describe('matrix helpers', () => {
  it('views a flat buffer as rows without copying', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const m = matrixFromFlat(data, 3);
    expect(m.map((r) => Array.from(r))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    data[4] = 9;
    expect(m[1][1]).toBe(9);
  });

  it('rejects a buffer that is not whole rows, and bad matrices, naming the value', () => {
    expect(() => matrixFromFlat(new Float32Array(5), 3)).toThrow('a buffer of 5 values is not a whole number of rows of 3');
    expect(() => matrixFromFlat(new Float32Array(6), 0)).toThrow('columns must be a positive integer, got 0');
    expect(() => checkBinaryMatrix('labels', [[0, 0.5]])).toThrow('labels[0][1] must be 0 or 1, got 0.5');
    expect(() => checkBinaryMatrix('labels', 'x' as never)).toThrow('labels must be an array of rows, got string');
    expect(() => checkBinaryMatrix('labels', [[]])).toThrow('labels has no columns');
  });
});
