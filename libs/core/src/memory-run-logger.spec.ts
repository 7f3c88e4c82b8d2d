import { MemoryRunLogger } from './memory-run-logger.ts';

describe('MemoryRunLogger', () => {
  it('records params, metrics with steps, tags, artifacts and children', async () => {
    const run = new MemoryRunLogger('r');
    await run.logParams({ lr: 0.1, name: 'x' });
    await run.logParams({ lr: 0.1 }); // same value again is a no-op
    await expect(run.logParams({ lr: 0.2 })).rejects.toThrow("param 'lr' was already logged as '0.1'");
    await run.logMetrics({ loss: 1, map: 0.2 }, 0);
    await run.logMetric('loss', 0.5, 1);
    expect(run.history('loss').map((p) => [p.step, p.value])).toEqual([[0, 1], [1, 0.5]]);
    expect(run.latest()).toEqual({ loss: 0.5, map: 0.2 });
    await run.logArtifactBytes('a/b.txt', 'hello');
    expect(run.artifactText('a/b.txt')).toBe('hello');
    expect(() => run.artifactText('nope')).toThrow(/no artifact/);
    const child = await run.startChild('c');
    expect((child as MemoryRunLogger).tags.get('mlflow.parentRunId')).toBe(run.runId);
    await run.end('FINISHED');
    expect(run.status).toBe('FINISHED');
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
  });
});
