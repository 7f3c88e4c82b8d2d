import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import type { CreateRunRequest, RestDatasetInput, RestKeyValue, RestMetric, RestRunStatus } from './mlflow-rest-types.ts';

/**
 * The local spool of a REST run whose tracking server stayed unreachable: one JSONL file per run under
 * `./.workbench/spool/` (or WORKBENCH_SPOOL_DIR), each line fsync'd before the logging call returns, so a
 * point acknowledged to the training loop survives a crash. `workbench tracking sync` replays the files
 * (spool-sync.ts). Lines hold MLflow wire payloads, so replay is a plain sequence of REST calls.
 *
 * Line 1 is the header (`op: 'open'`), naming the server, the run (its server id when it was created before
 * the outage; otherwise the runs/create request and the create key that makes replaying it idempotent).
 * Artifacts up to 64 KiB are inlined as base64; larger ones are written beside the spool, in
 * `<run>.artifacts/<sha256>`.
 */
export const DEFAULT_SPOOL_DIR = '.workbench/spool';

export const SPOOL_VERSION = 1;

/** Artifacts up to this size are inlined in the JSONL (base64); larger ones go to a side file. */
export const INLINE_ARTIFACT_BYTES = 64 * 1024;

/** The bytes of a spooled artifact. */
export function spooledArtifactBytes(spoolPath: string, op: Extract<SpoolOp, { op: 'artifact' }>): Uint8Array {
  if (op.base64 !== undefined) return Buffer.from(op.base64, 'base64');
  const file = join(dirname(spoolPath), op.file ?? '');
  try {
    return readFileSync(file);
  } catch (e) {
    throw new WorkbenchError('IO', `spooled artifact '${op.path}' is missing: ${(e as Error).message}`, { where: { file }, cause: e });
  }
}

export interface SpoolHeader {
  op: 'open';
  v: number;
  trackingUri: string;
  /** The run id the workbench handed out: the server's, or a local one for a run created while offline. */
  localRunId: string;
  /** Set when the run exists on the server. */
  serverRunId?: string;
  /** Idempotency key of runs/create (tag workbench.create_key). */
  createKey: string;
  experimentId?: string;
  /** For runs whose experiment could not be resolved while offline. */
  experimentName?: string;
  /** The runs/create request (without experiment_id), for runs created while offline. */
  create?: Omit<CreateRunRequest, 'experiment_id'>;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The process writing the spool, so that a sync leaves the spool of a live run alone. */
  pid?: number;
  host?: string;
}

export type SpoolOp =
  | { op: 'batch'; metrics?: RestMetric[]; params?: RestKeyValue[]; tags?: RestKeyValue[] }
  | { op: 'inputs'; datasets: RestDatasetInput[] }
  /** Bytes inline (base64) up to INLINE_ARTIFACT_BYTES, else in a side file named relative to the spool folder. */
  | { op: 'artifact'; path: string; contentType: string; base64?: string; file?: string }
  | { op: 'deleteTag'; key: string }
  | { op: 'update'; status?: RestRunStatus; end_time?: number; run_name?: string }
  /** Written by a successful replay, just before the file becomes `.synced`: the run's id on the server. */
  | { op: 'synced'; serverRunId: string; at: number };

export interface SpoolContent {
  path: string;
  header: SpoolHeader;
  ops: SpoolOp[];
  /** A last line cut by a crash mid-write (never acknowledged, so nothing is lost by skipping it). */
  truncatedTail: boolean;
}

/** The spool folder: WORKBENCH_SPOOL_DIR or ./.workbench/spool, resolved against `cwd`. */
export function resolveSpoolDir(cwd: string = process.cwd(), env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env['WORKBENCH_SPOOL_DIR'];
  return resolve(cwd, fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_SPOOL_DIR);
}

export class SpoolFile {
  private constructor(readonly path: string) {}

  /** Creates `<dir>/<localRunId>.jsonl` with its header, durable (file and folder entry fsync'd). */
  static create(dir: string, header: Omit<SpoolHeader, 'op' | 'v' | 'createdAt'>): SpoolFile {
    mkdirSync(dir, { recursive: true });
    const file = new SpoolFile(join(dir, `${header.localRunId}.jsonl`));
    file.write({ op: 'open', v: SPOOL_VERSION, ...header, createdAt: Date.now(), pid: process.pid, host: hostname() } satisfies SpoolHeader, 'wx');
    fsyncDir(dir);
    return file;
  }

  /** An existing spool file, to append to. */
  static open(path: string): SpoolFile {
    return new SpoolFile(path);
  }

  /** Appends one operation; returns once it is on disk. */
  append(op: SpoolOp): void {
    this.write(op, 'a');
  }

  /**
   * The spool operation of an artifact: small ones inline, larger ones in `<run>.artifacts/<sha256>` beside
   * the spool (written and fsync'd first), so the JSONL stays small.
   */
  artifactOp(path: string, contentType: string, bytes: Uint8Array): Extract<SpoolOp, { op: 'artifact' }> {
    if (bytes.length <= INLINE_ARTIFACT_BYTES) return { op: 'artifact', path, contentType, base64: Buffer.from(bytes).toString('base64') };
    const dir = `${this.path.replace(/\.jsonl$/, '')}.artifacts`;
    const name = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(dir, { recursive: true });
    let fd: number | undefined;
    try {
      fd = openSync(join(dir, name), 'w');
      writeSync(fd, bytes);
      fsyncSync(fd);
    } catch (e) {
      throw new WorkbenchError('IO', `cannot write the tracking spool ${dir}: ${(e as Error).message}`, { where: { file: join(dir, name) }, cause: e });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    fsyncDir(dir);
    return { op: 'artifact', path, contentType, file: `${basename(dir)}/${name}` };
  }

  private write(record: SpoolHeader | SpoolOp, flags: 'a' | 'wx'): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, flags);
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } catch (e) {
      throw new WorkbenchError('IO', `cannot write the tracking spool ${this.path}: ${(e as Error).message}`, { where: { file: this.path }, cause: e });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  static read(path: string): SpoolContent {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new WorkbenchError('IO', `cannot read the tracking spool ${path}: ${(e as Error).message}`, { where: { file: path }, cause: e });
    }
    const lines = text.split('\n');
    const complete = text.endsWith('\n');
    if (complete) lines.pop();
    const records: unknown[] = [];
    let truncatedTail = false;
    lines.forEach((line, i) => {
      try {
        records.push(JSON.parse(line));
      } catch (e) {
        if (i === lines.length - 1 && !complete) truncatedTail = true;
        else throw new WorkbenchError('IO', `tracking spool ${path} has a malformed line: ${(e as Error).message}`, { where: { file: path, line: i + 1 } });
      }
    });
    const header = records[0] as SpoolHeader | undefined;
    if (!header || header.op !== 'open') throw new WorkbenchError('IO', `tracking spool ${path} has no header line`, { where: { file: path, line: 1 } });
    if (header.v !== SPOOL_VERSION) {
      throw new WorkbenchError('IO', `tracking spool ${path} has version ${header.v}; this workbench reads version ${SPOOL_VERSION}`, { where: { file: path, line: 1 } });
    }
    return { path, header, ops: records.slice(1) as SpoolOp[], truncatedTail };
  }
}

function fsyncDir(dir: string): void {
  // A new file's folder entry is durable only once the folder is synced (POSIX); best effort elsewhere.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported on this platform */
  }
}

/** Whether another live process on this machine is still writing the spool (its runs replay themselves). */
export function spoolWriterAlive(header: SpoolHeader): boolean {
  if (header.pid === undefined || header.host !== hostname() || header.pid === process.pid) return false;
  try {
    process.kill(header.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
