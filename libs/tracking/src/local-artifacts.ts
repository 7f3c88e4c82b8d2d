import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '@workbench/core';
import type { ArtifactEntry } from './store.ts';

/**
 * A run's artifacts in a local folder (MLflow's LocalArtifactRepository): used by the FileStore and by the
 * SQLite store, whose artifact root is `./mlruns/<exp>/<run>/artifacts` by default.
 */

/** The local folder of an artifact URI, or a TRACKING_NOT_FOUND error for remote ones (mlflow-artifacts:, s3:...). */
export function artifactUriToPath(uri: string, runId: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice(5)}`);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(uri)) {
    throw new WorkbenchError('TRACKING_NOT_FOUND', `the artifacts of run ${runId} live at '${uri}', which is not a local folder`, {
      hint: 'read them through the tracking server that wrote them (an http(s):// tracking URI)',
    });
  }
  return uri;
}

/** A relative '/'-separated artifact path that cannot escape the run's folder. */
export function checkArtifactPath(path: string): string {
  const norm = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/?/, '').replace(/\/$/, '');
  if (path.startsWith('/') || norm === '..' || norm.startsWith('../') || /^[a-zA-Z]:/.test(path)) {
    throw new WorkbenchError('TRACKING_INVALID', `artifact path '${path}' must be relative and stay inside the run's artifacts`, { where: { path } });
  }
  return norm === '.' ? '' : norm;
}

function toLocal(root: string, artifactPath: string): string {
  const rel = checkArtifactPath(artifactPath);
  return rel === '' ? root : join(root, ...rel.split('/'));
}

export async function putArtifactBytes(root: string, artifactPath: string, data: Uint8Array | string): Promise<void> {
  const target = toLocal(root, artifactPath);
  if (target === root) throw new WorkbenchError('TRACKING_INVALID', 'an artifact needs a file name', { where: { path: artifactPath } });
  await mkdir(join(target, '..'), { recursive: true });
  await writeFile(target, data);
}

export async function putArtifactFile(root: string, localPath: string, artifactDir = ''): Promise<void> {
  const dir = toLocal(root, artifactDir);
  await mkdir(dir, { recursive: true });
  await copyFile(localPath, join(dir, basename(localPath)));
}

export async function putArtifactDir(root: string, localDir: string, artifactDir = ''): Promise<void> {
  const dir = toLocal(root, artifactDir);
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(localDir, { withFileTypes: true })) {
    const sub = artifactDir ? `${artifactDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await putArtifactDir(root, join(localDir, entry.name), sub);
    else await copyFile(join(localDir, entry.name), join(dir, entry.name));
  }
}

/** Direct children of `path`, sorted by path, as MLflow's list_artifacts returns them. */
export async function listArtifacts(root: string, path = ''): Promise<ArtifactEntry[]> {
  const rel = checkArtifactPath(path);
  const dir = toLocal(root, rel);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: ArtifactEntry[] = [];
  for (const e of entries) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push({ path: p, isDir: true });
    else out.push({ path: p, isDir: false, fileSize: (await stat(join(dir, e.name))).size });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function getArtifact(root: string, artifactPath: string, runId: string): Promise<Uint8Array> {
  const target = toLocal(root, artifactPath);
  try {
    return new Uint8Array(await readFile(target));
  } catch {
    throw new WorkbenchError('TRACKING_NOT_FOUND', `run ${runId} has no artifact '${artifactPath}' (looked in ${target.split(sep).join('/')})`, {
      where: { path: artifactPath },
    });
  }
}
