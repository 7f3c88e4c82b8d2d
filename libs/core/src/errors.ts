/**
 * Every user-facing error of the workbench is a WorkbenchError: a stable code, a message that names the bad
 * value, and `where` it came from (file, line, config path, CLI flag, env variable, URI).
 */

/** The error codes, each with what it means. One place, so the CLI and docs can list them. */
export const ERROR_CODES = {
  CONFIG_UNKNOWN_KEY: 'a configuration key that does not exist',
  CONFIG_TYPE: 'a configuration value of the wrong type or out of range',
  CONFIG_INVALID: 'a configuration that is inconsistent as a whole',
  UNKNOWN_NAME: 'an unknown method, scenario, dataset, loss, preset or other registered name',
  BACKEND_UNAVAILABLE: 'a TensorFlow.js backend that cannot be loaded',
  BACKEND_INVALID: 'an invalid backend name',
  DATASET_INVALID: 'a dataset card or row that is malformed',
  DATASET_NOT_FOUND: 'a dataset that does not exist',
  CHECKPOINT_INVALID: 'a model checkpoint folder or file that is malformed',
  TOKENIZER_INVALID: 'a tokenizer vocabulary or configuration that is malformed',
  TRACKING_URI: 'a malformed or unsupported tracking URI',
  TRACKING_INVALID: 'an invalid metric, param or tag for MLflow',
  TRACKING_REQUEST: 'a tracking server that refused or failed a request',
  TRACKING_NOT_FOUND: 'an experiment, run or artifact that does not exist',
  SWEEP_INVALID: 'a sweep specification that is malformed',
  TRAINING_DIVERGED: 'a training run whose loss became NaN or infinite',
  INTERRUPTED: 'a run stopped by a signal',
  CLI_USAGE: 'an unknown command, flag or bad flag value',
  IO: 'a file that cannot be read or written',
  INTERNAL: 'a bug: an invariant of the workbench was broken',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where a bad value came from. Every field is optional; give as many as are known. */
export interface ErrorLocation {
  /** A file path (config, dataset, checkpoint). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** A path inside a config, e.g. `grid.method[2]` or `train.lr`. */
  path?: string;
  /** Any other origin: a CLI flag (`--scenario`), an env variable (`WORKBENCH_BACKEND`), a URI. */
  source?: string;
}

export interface WorkbenchErrorOptions {
  where?: ErrorLocation;
  /** A short fix the user can try. */
  hint?: string;
  cause?: unknown;
  /** Machine-readable extra details (e.g. the valid names). */
  details?: Record<string, unknown>;
}

export class WorkbenchError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorLocation | undefined;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The message without location and hint. */
  readonly reason: string;

  constructor(code: ErrorCode, message: string, options: WorkbenchErrorOptions = {}) {
    super(formatMessage(message, options.where, options.hint), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkbenchError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.details = options.details;
    this.reason = message;
  }

  /** A copy with more location information (e.g. the file, added by the caller that knows it). */
  withLocation(where: ErrorLocation): WorkbenchError {
    return new WorkbenchError(this.code, this.reason, {
      where: { ...where, ...this.where, path: joinPath(where.path, this.where?.path) },
      hint: this.hint,
      cause: this.cause,
      details: this.details,
    });
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, reason: this.reason, where: this.where, hint: this.hint, details: this.details };
  }
}

function joinPath(outer: string | undefined, inner: string | undefined): string | undefined {
  if (outer === undefined) return inner;
  if (inner === undefined) return outer;
  return inner.startsWith('[') ? `${outer}${inner}` : `${outer}.${inner}`;
}

/** "file:line:col: path: message (hint)" — the one format of every location-bearing message. */
export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file !== undefined) {
    let f = where.file;
    if (where.line !== undefined) f += `:${where.line}`;
    if (where.line !== undefined && where.column !== undefined) f += `:${where.column}`;
    parts.push(f);
  }
  if (where.source !== undefined) parts.push(where.source);
  if (where.path !== undefined && where.path !== '') parts.push(where.path);
  return parts.join(': ');
}

function formatMessage(message: string, where: ErrorLocation | undefined, hint: string | undefined): string {
  const loc = formatLocation(where);
  return `${loc ? `${loc}: ` : ''}${message}${hint ? `\n  hint: ${hint}` : ''}`;
}

export function isWorkbenchError(e: unknown): e is WorkbenchError {
  return e instanceof WorkbenchError;
}

/** Throws an INTERNAL error when an invariant is broken. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new WorkbenchError('INTERNAL', message);
}
