import { WorkbenchError } from '@workbench/core';
import { removalRatio, resolveScenario, SCENARIOS } from './scenario.ts';

describe('scenarios', () => {
  it('names the paper scenarios and full, with per-label removal over the split by default', () => {
    expect(SCENARIOS.names()).toEqual(['full', 'keep10', 'keep30', 'keep50']);
    expect(resolveScenario('keep30')).toEqual({
      name: 'keep30',
      keepPercent: 30,
      removal: 'per-label',
      scope: 'split',
      rounding: 'half-even',
      restore: 'random',
    });
  });

  it('gives the reference removal ratios exactly (the same doubles as the literals 0.5, 0.7, 0.9)', () => {
    expect(removalRatio(resolveScenario('keep50'))).toBe(0.5);
    expect(removalRatio(resolveScenario('keep30'))).toBe(0.7);
    expect(removalRatio(resolveScenario('keep10'))).toBe(0.9);
    expect(removalRatio(resolveScenario('full'))).toBe(0);
  });

  it('parses keep<NN> for any percentage', () => {
    expect(resolveScenario('keep25').keepPercent).toBe(25);
    expect(resolveScenario('keep12.5').keepPercent).toBe(12.5);
    expect(removalRatio(resolveScenario('keep0'))).toBe(1);
    expect(() => resolveScenario('keep150')).toThrow("scenario 'keep150': keepPercent must be in 0..100, got 150");
  });

  it('takes overrides of the removal, scope, rounding and restore', () => {
    const s = resolveScenario('keep10', { removal: 'per-sample', scope: 'chunk1000', restore: 'first' });
    expect(s).toMatchObject({ keepPercent: 10, removal: 'per-sample', scope: 'chunk1000', restore: 'first' });
  });

  it('rejects unknown names and keys with the valid ones and a did-you-mean', () => {
    expect(() => resolveScenario('keep5O', {}, { source: '--scenario' })).toThrow(
      "--scenario: unknown scenario 'keep5O' (did you mean 'keep50'?); valid: full, keep10, keep30, keep50, or keep<NN> for any NN in 0..100",
    );
    try {
      resolveScenario('nope');
    } catch (e) {
      expect((e as WorkbenchError).code).toBe('UNKNOWN_NAME');
    }
    expect(() => resolveScenario('keep50', { removel: 'per-sample' } as never)).toThrow("scenario.removel: unknown key 'removel' (did you mean 'removal'?)");
    expect(() => resolveScenario('keep50', { removal: 'per-sampel' } as never)).toThrow(
      "scenario removal 'per-sampel' is not one of per-label, per-sample (did you mean 'per-sample'?)",
    );
    expect(() => resolveScenario('keep50', { keepPercent: 20 })).toThrow("keepPercent comes from the scenario name ('keep50')");
  });
});
