import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const GOLDEN = join(FIXTURES, 'golden');
export const REFERENCE_DB = join(FIXTURES, 'sqlite', 'mlflow.db');
export const REFERENCE_SCHEMA = join(FIXTURES, 'sqlite', 'schema.sql');

const created: string[] = [];

/** A fresh folder under the OS temp dir; `removeTempDirs` (in each spec's afterAll) deletes them all. */
export function tempDir(prefix = 'wb-tracking-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The folders of a golden tree, from its DIRECTORIES.txt ('.'-relative, without './'). */
export function goldenDirectories(name: 'golden-mlruns' | 'golden-mlruns-lifecycle'): string[] {
  return readFileSync(join(GOLDEN, `${name}.DIRECTORIES.txt`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '.')
    .map((l) => l.replace(/^\.\//, ''));
}

/** A writable copy of a golden tree with its empty folders recreated (git keeps none). */
export function materializeGolden(name: 'golden-mlruns' | 'golden-mlruns-lifecycle'): string {
  const dest = join(tempDir(), name);
  cpSync(join(GOLDEN, name), dest, { recursive: true });
  for (const d of goldenDirectories(name)) mkdirSync(join(dest, d), { recursive: true });
  return dest;
}

/** Every folder ('dir/') and file below root, relative, sorted. */
export function listTree(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(`${rel}/`, ...listTree(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
