import { parsePythonFloat, pythonFloatRepr } from './python-float.ts';

describe('pythonFloatRepr', () => {
  // Expected strings are what CPython 3 prints for repr(float(x)).
  const cases: [number, string][] = [
    [1, '1.0'],
    [3, '3.0'],
    [0.5, '0.5'],
    [0.25, '0.25'],
    [0.9, '0.9'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-2.5, '-2.5'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [123.456, '123.456'],
    [1e22, '1e+22'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  it.each(cases)('%p -> %s', (x, s) => {
    expect(pythonFloatRepr(x)).toBe(s);
  });
  it('round-trips through parsePythonFloat', () => {
    for (const [x] of cases) expect(Object.is(parsePythonFloat(pythonFloatRepr(x)), x) || (Number.isNaN(x) && Number.isNaN(parsePythonFloat('nan')))).toBe(true);
  });
});
