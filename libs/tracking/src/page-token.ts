import { WorkbenchError } from '@workbench/core';

/** MLflow's default and largest page sizes of runs/search. */
export const SEARCH_DEFAULT_MAX_RESULTS = 1000;
export const SEARCH_MAX_RESULTS = 50_000;

export function pageSize(maxResults: number | undefined): number {
  const n = maxResults ?? SEARCH_DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(n) || n < 1 || n > SEARCH_MAX_RESULTS) {
    throw new WorkbenchError('TRACKING_INVALID', `maxResults ${n} must be an integer in [1, ${SEARCH_MAX_RESULTS}]`);
  }
  return n;
}

/** MLflow's page token: base64 of `{"offset": N}` (SearchUtils.create_page_token). */
export function encodePageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new WorkbenchError('TRACKING_INVALID', `invalid page token '${token}'`);
}
