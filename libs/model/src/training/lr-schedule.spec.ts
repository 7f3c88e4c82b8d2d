import { linearScheduleFromRatio, linearWarmupDecay } from './lr-schedule.ts';

describe('linearWarmupDecay', () => {
  it('rises from 0 over the warm-up, peaks at 1, then falls linearly to 0 (HF get_linear_schedule_with_warmup)', () => {
    const values = Array.from({ length: 11 }, (_, s) => linearWarmupDecay(s, 2, 10));
    expect(values).toEqual([0, 0.5, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0]);
    expect(linearWarmupDecay(12, 2, 10)).toBe(0);
    expect(linearWarmupDecay(0, 0, 4)).toBe(1);
    expect(linearScheduleFromRatio(1, 0.1, 100)).toBeCloseTo(0.1, 12);
  });

  it('rejects a warm-up longer than training', () => {
    expect(() => linearWarmupDecay(0, 20, 10)).toThrow(/warmupSteps \(20\) <= totalSteps \(10\)/);
  });
});
