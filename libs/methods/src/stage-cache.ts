import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';

/**
 * A cache of shared training stages (masked-LM pre-training, stage-1 source training), keyed by the hash of
 * exactly what the stage depends on. Trained once per key and reused by every method, scenario and worker.
 * A lock file (created with O_EXCL) makes sure two worker processes never train the same stage; a lock
 * whose owner died (no heartbeat for `staleMs`) is taken over.
 */
export class StageCache {
  constructor(
    readonly root: string,
    private readonly staleMs = 10 * 60_000,
  ) {}

  dir(stage: string, key: string): string {
    return join(this.root, stage, key);
  }

  has(stage: string, key: string): boolean {
    return existsSync(join(this.dir(stage, key), 'DONE'));
  }

  /**
   * Returns the folder of a finished stage, creating it with `create(tmpDir)` if needed. `create` writes its
   * files into `tmpDir`; the folder is renamed into place only when it returns, so a crash never leaves a
   * half-written stage behind.
   */
  async getOrCreate(stage: string, key: string, create: (tmpDir: string) => Promise<void>, meta: Record<string, unknown> = {}): Promise<{ dir: string; created: boolean }> {
    const dir = this.dir(stage, key);
    if (this.has(stage, key)) return { dir, created: false };
    mkdirSync(join(this.root, stage), { recursive: true });
    const lock = `${dir}.lock`;
    for (;;) {
      if (this.has(stage, key)) return { dir, created: false };
      if (this.tryLock(lock)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const heartbeat = setInterval(() => {
      try {
        writeFileSync(lock, String(process.pid));
      } catch {
        // the lock file is only a heartbeat; a failed touch is retried next tick
      }
    }, Math.max(1000, this.staleMs / 4));
    heartbeat.unref();
    try {
      if (this.has(stage, key)) return { dir, created: false };
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      await create(tmp);
      writeFileSync(join(tmp, 'meta.json'), JSON.stringify({ stage, key, createdAt: new Date().toISOString(), ...meta }, null, 2));
      writeFileSync(join(tmp, 'DONE'), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return { dir, created: true };
    } finally {
      clearInterval(heartbeat);
      rmSync(lock, { force: true });
    }
  }

  readMeta(stage: string, key: string): Record<string, unknown> {
    const file = join(this.dir(stage, key), 'meta.json');
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new WorkbenchError('IO', `cannot read stage metadata: ${(e as Error).message}`, { where: { file } });
    }
  }

  private tryLock(lock: string): boolean {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > this.staleMs) {
          rmSync(lock, { force: true }); // its owner stopped beating: take over
        }
      } catch {
        // the owner released it between our checks
      }
      return false;
    }
  }
}
