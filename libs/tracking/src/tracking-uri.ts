/** The default store, as MLflow 3.7+ uses it: SQLite in the working directory, artifacts under ./mlruns. */
export const DEFAULT_TRACKING_URI = 'sqlite:///mlflow.db';

export interface ResolvedTrackingUri {
  uri: string;
  /** Where the URI came from: the flag, MLFLOW_TRACKING_URI, or the default. */
  source: '--tracking-uri' | 'MLFLOW_TRACKING_URI' | 'default';
}

/** The tracking URI a run would use: `--tracking-uri`, else MLFLOW_TRACKING_URI, else the default. */
export function resolveTrackingUri(flag?: string, env: Record<string, string | undefined> = process.env): ResolvedTrackingUri {
  if (flag !== undefined && flag !== '') return { uri: flag, source: '--tracking-uri' };
  const fromEnv = env['MLFLOW_TRACKING_URI'];
  if (fromEnv !== undefined && fromEnv !== '') return { uri: fromEnv, source: 'MLFLOW_TRACKING_URI' };
  return { uri: DEFAULT_TRACKING_URI, source: 'default' };
}
