import { compareCodePoints, pythonJson, PY_VERY_LARGE_INTEGER } from './python-json.ts';

describe('pythonJson (json.dumps(indent=2, sort_keys=True, ensure_ascii=False))', () => {
  it('sorts keys, indents by two spaces and ends with a newline', () => {
    expect(pythonJson({ b: [1, 'x'], a: { d: null, c: true }, e: [], f: {} })).toBe(
      '{\n  "a": {\n    "c": true,\n    "d": null\n  },\n  "b": [\n    1,\n    "x"\n  ],\n  "e": [],\n  "f": {}\n}\n',
    );
  });

  it('keeps non-ASCII characters and escapes controls as Python does', () => {
    expect(pythonJson({ 'Ġ': 'é\n"\\\u0001' })).toBe('{\n  "Ġ": "é\\n\\"\\\\\\u0001"\n}\n');
  });

  it('writes int(1e30) exactly', () => {
    expect(pythonJson({ model_max_length: PY_VERY_LARGE_INTEGER })).toBe('{\n  "model_max_length": 1000000000000000019884624838656\n}\n');
  });

  it('orders strings by code point, not UTF-16 unit', () => {
    // U+FF5E (one unit 0xFF5E) sorts before U+1F600 (units 0xD83D 0xDE00) in Python.
    expect(compareCodePoints('\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect('\uff5e' < '\u{1f600}').toBe(false);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'a')).toBe(0);
  });
});
