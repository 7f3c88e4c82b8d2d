import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StageCache } from './stage-cache.ts';

describe('StageCache', () => {
  it('creates a stage once and reuses it', async () => {
    const cache = new StageCache(mkdtempSync(join(tmpdir(), 'stage-')));
    let calls = 0;
    const create = async (dir: string): Promise<void> => {
      calls++;
      writeFileSync(join(dir, 'weights.bin'), 'w');
    };
    const a = await cache.getOrCreate('source', 'k1', create, { seed: 1 });
    const b = await cache.getOrCreate('source', 'k1', create);
    expect([a.created, b.created, calls]).toEqual([true, false, 1]);
    expect(readFileSync(join(a.dir, 'weights.bin'), 'utf8')).toBe('w');
    expect(cache.readMeta('source', 'k1')).toMatchObject({ stage: 'source', key: 'k1', seed: 1 });
  });

  it('two concurrent callers train the stage once', async () => {
    const cache = new StageCache(mkdtempSync(join(tmpdir(), 'stage-')));
    let calls = 0;
    const create = async (dir: string): Promise<void> => {
      calls++;
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(dir, 'x'), '1');
    };
    const [a, b] = await Promise.all([cache.getOrCreate('s', 'k', create), cache.getOrCreate('s', 'k', create)]);
    expect(calls).toBe(1);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });

  it('a failed creation leaves nothing behind and can be retried', async () => {
    const cache = new StageCache(mkdtempSync(join(tmpdir(), 'stage-')));
    await expect(
      cache.getOrCreate('s', 'k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(cache.has('s', 'k')).toBe(false);
    expect(existsSync(`${cache.dir('s', 'k')}.lock`)).toBe(false);
    const r = await cache.getOrCreate('s', 'k', async (d) => writeFileSync(join(d, 'x'), '1'));
    expect(r.created).toBe(true);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stage-'));
    const cache = new StageCache(root, 50);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 's'), { recursive: true });
    writeFileSync(`${cache.dir('s', 'k')}.lock`, '99999');
    await new Promise((r) => setTimeout(r, 120));
    const r = await cache.getOrCreate('s', 'k', async (d) => writeFileSync(join(d, 'x'), '1'));
    expect(r.created).toBe(true);
  });
});
