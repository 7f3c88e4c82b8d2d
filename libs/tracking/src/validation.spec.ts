import { validateBatch, validateExperimentTag, validateKey } from './validation.ts';

describe('validateKey (MLflow 2.17 rules)', () => {
  it.each(['loss', 'val/loss', 'a b:c.d-e_f', 'héllo', 'ключ/шаг', 'x'.repeat(250)])('accepts %p', (key) => {
    expect(() => validateKey('metric', key)).not.toThrow();
  });

  it.each([
    ['bad!', 'may contain only alphanumerics'],
    ['tab\tkey', 'may contain only alphanumerics'],
    ['x'.repeat(251), '251 chars, MLflow allows at most 250'],
    ['a//b', "resolves to 'a/b'"],
    ['./a', "resolves to 'a'"],
    ['../a', 'normalized relative paths'],
    ['/abs', 'normalized relative paths'],
    ['a/', "resolves to 'a'"],
    ['', 'normalized relative paths'],
  ])('rejects %p, naming the key and why', (key, why) => {
    expect(() => validateKey('param', key)).toThrow(expect.objectContaining({ code: 'TRACKING_INVALID', message: expect.stringContaining(`invalid param key '${key}'`) }));
    expect(() => validateKey('param', key)).toThrow(why);
  });
});

describe('validateBatch', () => {
  const m = (over: object) => ({ key: 'loss', value: 1, step: 0, timestamp: 1, ...over });
  it('accepts non-finite values and negative steps (MLflow stores them)', () => {
    expect(() => validateBatch({ metrics: [m({ value: NaN }), m({ value: Infinity }), m({ value: -Infinity, step: -3 })] })).not.toThrow();
  });
  it('rejects a non-numeric value, a fractional step or timestamp, long values and a param twice in one batch', () => {
    expect(() => validateBatch({ metrics: [m({ value: '1' })] as any })).toThrow("metric 'loss' has a non-numeric value \"1\"");
    expect(() => validateBatch({ metrics: [m({ step: 1.5 })] })).toThrow("metric 'loss' has step 1.5");
    expect(() => validateBatch({ metrics: [m({ timestamp: 1.5 })] })).toThrow("metric 'loss' has timestamp 1.5");
    expect(() => validateBatch({ params: [{ key: 'p', value: 'x'.repeat(6001) }] })).toThrow("param 'p' has a value of 6001 chars; MLflow keeps at most 6000");
    expect(() => validateBatch({ tags: [{ key: 't', value: 'x'.repeat(8001) }] })).toThrow("tag 't' has a value of 8001 chars; MLflow keeps at most 8000");
    expect(() => validateBatch({ params: [{ key: 'p', value: '1' }, { key: 'p', value: '1' }] })).toThrow("param 'p' appears twice in one batch");
    expect(() => validateExperimentTag('team', 'x'.repeat(5001))).toThrow('at most 5000');
  });
});
