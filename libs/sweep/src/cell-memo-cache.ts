import type { RunCellOptions } from '@workbench/methods';

type CellMemo = NonNullable<RunCellOptions['memo']>;

/**
 * The memo a sweep worker hands to every cell it runs (see `RunCellOptions.memo`): the loaded dataset, the
 * backbone and the token ids of whole splits are made once per worker, not once per cell. Bounded: the least
 * recently used entry goes first (a worker of a sweep over many datasets keeps the last few).
 */
export class CellMemoCache implements CellMemo {
  private readonly entries = new Map<string, Promise<unknown>>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 8) {}

  get<T>(key: string, make: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, found);
      return found as Promise<T>;
    }
    this.misses++;
    const made = make();
    this.entries.set(key, made);
    // A failure is not remembered: the next cell tries again (and reports its own error).
    made.catch(() => {
      if (this.entries.get(key) === made) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return made;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
