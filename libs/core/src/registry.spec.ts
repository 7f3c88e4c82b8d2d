import { Registry } from './registry.ts';
import { WorkbenchError } from './errors.ts';
import { didYouMean, editDistance } from './did-you-mean.ts';

describe('Registry', () => {
  const r = new Registry<number>('method').register('dallmi', 1).register('vpu', 2).register('source-only', 3);

  it('returns registered entries', () => {
    expect(r.get('vpu')).toBe(2);
    expect(r.names()).toEqual(['dallmi', 'source-only', 'vpu']);
  });

  it('rejects unknown names with the valid ones, a did-you-mean and where', () => {
    expect(() => r.get('dalmi', { path: 'grid.method[2]' })).toThrow(
      "grid.method[2]: unknown method 'dalmi' (did you mean 'dallmi'?); valid: dallmi, source-only, vpu",
    );
    try {
      r.get('zzz');
    } catch (e) {
      expect((e as WorkbenchError).code).toBe('UNKNOWN_NAME');
      expect((e as WorkbenchError).message).not.toContain('did you mean');
    }
  });

  it('refuses to register a name twice', () => {
    expect(() => new Registry<number>('x').register('a', 1).register('a', 2)).toThrow(/twice/);
  });

  it('edit distance and suggestions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('keep5', ['keep50', 'keep30', 'keep10'])).toBe('keep50');
    expect(didYouMean('banana', ['keep50'])).toBeUndefined();
  });
});
