import { WorkbenchError } from '@workbench/core';

/**
 * A request the tracking server refused or that never got an answer: a WorkbenchError('TRACKING_REQUEST')
 * that also carries the HTTP status (undefined when no answer came), MLflow's error_code (undefined for
 * HTML answers and network failures) and the endpoint, so callers can branch on them.
 */
export class MlflowRestError extends WorkbenchError {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  /** e.g. `POST /api/2.0/mlflow/runs/log-batch`. */
  readonly endpoint: string;
  /** Whether the server may have applied the request (false only when it surely did not). */
  readonly maybeApplied: boolean;
  /** True when the failure is the network (or a 5xx/429 after every retry), not a refusal of the request. */
  readonly unreachable: boolean;

  constructor(
    message: string,
    info: { status?: number; errorCode?: string; endpoint: string; uri: string; attempts: number; maybeApplied: boolean; unreachable: boolean; cause?: unknown; hint?: string },
  ) {
    super('TRACKING_REQUEST', message, {
      where: { source: info.uri },
      cause: info.cause,
      hint: info.hint,
      details: { status: info.status, errorCode: info.errorCode, endpoint: info.endpoint, attempts: info.attempts },
    });
    this.status = info.status;
    this.errorCode = info.errorCode;
    this.endpoint = info.endpoint;
    this.maybeApplied = info.maybeApplied;
    this.unreachable = info.unreachable;
  }
}

export function isMlflowRestError(e: unknown, errorCode?: string): e is MlflowRestError {
  return e instanceof MlflowRestError && (errorCode === undefined || e.errorCode === errorCode);
}
