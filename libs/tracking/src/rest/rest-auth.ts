import { WorkbenchError } from '@workbench/core';

/**
 * The Authorization header, read as MLflow reads it: MLFLOW_TRACKING_TOKEN (Bearer) first, else
 * MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD (Basic), else credentials in the URI
 * (`https://user:pass@host`), else none. Returns the URI without credentials (fetch refuses them).
 */
export interface RestAuth {
  /** Base URL without credentials and without a trailing slash. */
  baseUrl: string;
  authorization: string | undefined;
  /** Where the credentials came from, for messages (never the secret itself). */
  source: 'MLFLOW_TRACKING_TOKEN' | 'MLFLOW_TRACKING_USERNAME' | 'uri' | 'none';
}

export function resolveRestAuth(uri: string, env: Record<string, string | undefined> = process.env): RestAuth {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new WorkbenchError('TRACKING_URI', `malformed tracking URI '${uri}'`, { where: { source: uri }, hint: 'e.g. http://127.0.0.1:5000' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WorkbenchError('TRACKING_URI', `the REST store needs an http(s) URI, got '${uri}'`, { where: { source: uri } });
  }
  const uriUser = decodeURIComponent(url.username);
  const uriPassword = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const baseUrl = url.toString().replace(/\/+$/, '');

  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token !== undefined && token !== '') return { baseUrl, authorization: `Bearer ${token}`, source: 'MLFLOW_TRACKING_TOKEN' };
  const user = env['MLFLOW_TRACKING_USERNAME'];
  const password = env['MLFLOW_TRACKING_PASSWORD'];
  if (user !== undefined && user !== '') {
    if (password === undefined) {
      throw new WorkbenchError('TRACKING_URI', 'MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not', {
        where: { source: 'MLFLOW_TRACKING_PASSWORD' },
      });
    }
    return { baseUrl, authorization: basic(user, password), source: 'MLFLOW_TRACKING_USERNAME' };
  }
  if (uriUser !== '') return { baseUrl, authorization: basic(uriUser, uriPassword), source: 'uri' };
  return { baseUrl, authorization: undefined, source: 'none' };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
