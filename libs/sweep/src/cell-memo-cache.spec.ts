import { CellMemoCache } from './cell-memo-cache.ts';

describe('CellMemoCache', () => {
  it('makes a value once, even when asked again before it is ready', async () => {
    const memo = new CellMemoCache();
    let made = 0;
    const make = async (): Promise<number[]> => {
      made++;
      await new Promise((r) => setTimeout(r, 5));
      return [made];
    };
    const [a, b] = await Promise.all([memo.get('k', make), memo.get('k', make)]);
    expect(made).toBe(1);
    expect(a).toBe(b);
    expect(await memo.get('k', make)).toBe(a);
    expect([memo.hits, memo.misses]).toEqual([2, 1]);
  });

  it('does not keep a failure: the next ask makes it again', async () => {
    const memo = new CellMemoCache();
    await expect(memo.get('k', async () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
    expect(memo.size).toBe(0);
    expect(await memo.get('k', async () => 7)).toBe(7);
  });

  it('forgets the least recently used entry beyond its bound, and a deleted key', async () => {
    const memo = new CellMemoCache(2);
    await memo.get('a', async () => 1);
    await memo.get('b', async () => 2);
    await memo.get('a', async () => -1); // a is now the most recent
    await memo.get('c', async () => 3); // b goes
    expect(await memo.get('b', async () => 22)).toBe(22);
    expect(await memo.get('c', async () => -3)).toBe(3);
    memo.delete('c');
    expect(await memo.get('c', async () => 33)).toBe(33);
  });
});
