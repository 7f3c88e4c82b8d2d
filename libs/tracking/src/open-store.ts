import { resolve } from 'node:path';
import { Registry, WorkbenchError } from '@workbench/core';
import type { TrackingStore } from './store.ts';
import { DEFAULT_ARTIFACT_ROOT, parseTrackingUri, resolveTrackingUri, uriSourceLabel, type ParsedTrackingUri, type ResolvedTrackingUri } from './tracking-uri.ts';

/** What a store factory receives: the parsed URI plus the environment (auth variables) and working directory. */
export interface StoreOpenContext extends ParsedTrackingUri {
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Database stores only: where artifacts go, an absolute folder (MLflow's `--default-artifact-root`);
   * default `<cwd>/mlruns`, so runs land in `./mlruns/<exp>/<run>/artifacts` as with MLflow 3.7+.
   */
  artifactRoot: string;
  /** Open an existing store for reading only: nothing is created or migrated (CLI `runs`, reports). */
  readOnly: boolean;
}

export type StoreFactory = (ctx: StoreOpenContext) => TrackingStore | Promise<TrackingStore>;

/**
 * The stores by URI scheme. One line per scheme; the imports are lazy so that a REST user never loads the
 * native SQLite module and the other way round.
 */
export const STORE_SCHEMES = new Registry<StoreFactory>('tracking URI scheme')
  .register('sqlite', async (ctx) => (await import('./sqlite-store.ts')).SqliteStore.open(ctx))
  .register('file', async (ctx) => (await import('./file-store.ts')).FileStore.open(ctx))
  .register('http', async (ctx) => (await import('./rest/rest-store.ts')).RestStore.open(ctx))
  .register('https', async (ctx) => (await import('./rest/rest-store.ts')).RestStore.open(ctx));

export interface OpenStoreOptions {
  /** `--tracking-uri` (wins over MLFLOW_TRACKING_URI). */
  uri?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Artifact root of a database store (default `<cwd>/mlruns`). */
  artifactRoot?: string;
  /** Read an existing store without creating or changing anything. */
  readOnly?: boolean;
}

/**
 * Opens the store a URI names: `openStore('sqlite:///mlflow.db')`, or `openStore({ uri: flag, env })` to apply
 * MLflow's precedence (flag, then MLFLOW_TRACKING_URI, then `sqlite:///mlflow.db`).
 */
export async function openStore(options: string | OpenStoreOptions = {}): Promise<TrackingStore> {
  const opts: OpenStoreOptions = typeof options === 'string' ? { uri: options } : options;
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const resolved: ResolvedTrackingUri = resolveTrackingUri(opts.uri, env, cwd);
  const parsed = parseTrackingUri(resolved, cwd);
  if (!STORE_SCHEMES.has(parsed.scheme)) {
    throw new WorkbenchError('TRACKING_URI', `tracking URI '${parsed.uri}' has an unsupported scheme '${parsed.scheme}:'; supported: ${STORE_SCHEMES.names().join(', ')}`, {
      where: { source: uriSourceLabel(resolved.source) },
      details: { supported: STORE_SCHEMES.names() },
    });
  }
  const artifactRoot = resolve(cwd, opts.artifactRoot ?? DEFAULT_ARTIFACT_ROOT);
  return STORE_SCHEMES.get(parsed.scheme)({ ...parsed, env, cwd, artifactRoot, readOnly: opts.readOnly ?? false });
}
