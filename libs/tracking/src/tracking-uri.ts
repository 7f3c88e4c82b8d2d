import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { WorkbenchError } from '@workbench/core';

/** The default store, as MLflow 3.7+ uses it: SQLite in the working directory, artifacts under ./mlruns. */
export const DEFAULT_TRACKING_URI = 'sqlite:///mlflow.db';

/** Where MLflow puts artifacts of a database store when no artifact root is given (relative to the cwd). */
export const DEFAULT_ARTIFACT_ROOT = './mlruns';

export interface ResolvedTrackingUri {
  uri: string;
  /** Where the URI came from: the flag, MLFLOW_TRACKING_URI, or the default. */
  source: '--tracking-uri' | 'MLFLOW_TRACKING_URI' | 'default';
}

/** The FileStore default of MLflow before 3.7, still used when ./mlruns holds a FileStore and ./mlflow.db is absent. */
export const LEGACY_FILE_STORE_URI = 'file:./mlruns';

/** Whether `<cwd>/mlruns` holds FileStore experiments (folders with a meta.yaml), not just SQLite artifacts. */
function holdsFileStoreExperiments(cwd: string): boolean {
  const root = join(cwd, 'mlruns');
  try {
    return readdirSync(root, { withFileTypes: true }).some((e) => e.isDirectory() && /^\d+$/.test(e.name) && existsSync(join(root, e.name, 'meta.yaml')));
  } catch {
    return false;
  }
}

/**
 * The tracking URI a run would use: `--tracking-uri`, else MLFLOW_TRACKING_URI, else the default of MLflow 3.7+:
 * `sqlite:///mlflow.db`, unless `./mlruns` already holds FileStore experiments (and there is no ./mlflow.db), in
 * which case MLflow keeps using `./mlruns`.
 */
export function resolveTrackingUri(flag?: string, env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): ResolvedTrackingUri {
  if (flag !== undefined && flag !== '') return { uri: flag, source: '--tracking-uri' };
  const fromEnv = env['MLFLOW_TRACKING_URI'];
  if (fromEnv !== undefined && fromEnv !== '') return { uri: fromEnv, source: 'MLFLOW_TRACKING_URI' };
  if (!existsSync(join(cwd, 'mlflow.db')) && holdsFileStoreExperiments(cwd)) return { uri: LEGACY_FILE_STORE_URI, source: 'default' };
  return { uri: DEFAULT_TRACKING_URI, source: 'default' };
}

/** How an error names where a URI came from. */
export function uriSourceLabel(source: ResolvedTrackingUri['source']): string {
  return source === 'default' ? 'default tracking URI' : source;
}

/** A tracking URI taken apart the way MLflow takes it apart. */
export interface ParsedTrackingUri {
  /** The store kind: 'sqlite', 'file' (also for a bare path), 'http', 'https', or another scheme as written. */
  scheme: string;
  uri: string;
  source: ResolvedTrackingUri['source'];
  /** sqlite and file: the absolute local path (database file or FileStore root); ':memory:' for in-memory SQLite. */
  path?: string;
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Parses a tracking URI exactly as MLflow reads it:
 * - `sqlite:///rel/path` is relative to `cwd` (SQLAlchemy: three slashes then the path), `sqlite:////abs/path`
 *   is absolute, `sqlite://` and `sqlite:///:memory:` are in-memory;
 * - `file:path`, `file:///abs/path`, `file://localhost/abs` and a bare path are a FileStore (percent-escapes decoded);
 * - `http(s)://host[:port][/prefix]` is a tracking server;
 * - `postgresql+driver:` and the like keep their base scheme; the caller decides what is supported.
 */
export function parseTrackingUri(resolved: ResolvedTrackingUri, cwd: string = process.cwd()): ParsedTrackingUri {
  const { uri, source } = resolved;
  const fail = (why: string): never => {
    throw new WorkbenchError('TRACKING_URI', `tracking URI '${uri}' ${why}`, {
      where: { source: uriSourceLabel(source) },
      hint: 'use sqlite:///mlflow.db, sqlite:////abs/path.db, file:./mlruns, a folder path, or http(s)://host:port',
    });
  };
  if (uri.trim() !== uri || uri === '') fail('is empty or has surrounding spaces');
  // MLflow reads the bare word 'databricks' as the Databricks scheme, not as a folder.
  if (uri === 'databricks') return { scheme: 'databricks', uri, source };
  const m = SCHEME_RE.exec(uri);
  // A one-letter "scheme" is a Windows drive (C:\runs): a path, as in MLflow.
  if (!m || m[1].length === 1) return { scheme: 'file', uri, source, path: resolve(cwd, uri) };
  const scheme = m[1].toLowerCase();
  const base = scheme.split('+')[0];
  const rest = uri.slice(m[0].length);
  if (base === 'sqlite') {
    if (rest === '//' || rest === '///:memory:' || rest === '//:memory:') return { scheme: 'sqlite', uri, source, path: ':memory:' };
    if (!rest.startsWith('///')) fail("is not a SQLite URL: write sqlite:///relative/path.db or sqlite:////absolute/path.db");
    const p = rest.slice(3).split('?')[0];
    if (p === '') fail('names no database file');
    return { scheme: 'sqlite', uri, source, path: resolve(cwd, p) };
  }
  if (scheme === 'file') {
    let p = rest;
    if (p.startsWith('//')) {
      const slash = p.indexOf('/', 2);
      const host = slash < 0 ? p.slice(2) : p.slice(2, slash);
      if (host !== '' && host !== 'localhost') fail(`names host '${host}': a file: URI must be local (file:///abs/path or file:rel/path)`);
      p = slash < 0 ? '' : p.slice(slash);
    }
    p = p.split(/[?#]/)[0];
    try {
      p = decodeURIComponent(p);
    } catch {
      fail('has a malformed percent-escape');
    }
    if (p === '') fail('names no folder');
    return { scheme: 'file', uri, source, path: isAbsolute(p) ? p : resolve(cwd, p) };
  }
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return fail('is not a valid URL');
    }
    if (url.hostname === '') fail('names no host');
    return { scheme, uri: uri.replace(/\/+$/, ''), source };
  }
  return { scheme: base, uri, source };
}
