import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { canonicalJson, configHash, flattenConfig, sha256Hex, type DatasetInput, type RunLogger } from '@workbench/core';
import { MLFLOW_TAGS } from './store.ts';
import { MLFLOW_LIMITS, validateKey } from './validation.ts';

/** The workbench's own tags (MLflow's are in MLFLOW_TAGS). */
export const WORKBENCH_TAGS = {
  configHash: 'workbench.config_hash',
  gitDirty: 'workbench.git.dirty',
  paramsOmitted: 'workbench.params_omitted',
  backend: 'workbench.backend',
  nodeVersion: 'workbench.version.node',
  tfjsVersion: 'workbench.version.tfjs',
  workbenchVersion: 'workbench.version.workbench',
  cpu: 'workbench.cpu',
  lockfileHash: 'workbench.lockfile_sha256',
  error: 'workbench.error',
} as const;

export const RUN_ARTIFACTS = {
  config: 'config.json',
  gitDiff: 'git/diff.patch',
  error: 'error/stack.txt',
} as const;

export interface GitState {
  commit: string;
  dirty: boolean;
  /** `git diff HEAD` plus untracked file names, when dirty. */
  diff: string;
}

export interface RunMetadata {
  /** The resolved config (after defaults and overrides). */
  config: Record<string, unknown>;
  /** Default: configHash(config). */
  configHash?: string;
  /** The backend the run trains on (`cpu`, `wasm`, `tensorflow`). */
  backend?: string;
  tfjsVersion?: string;
  workbenchVersion?: string;
  /** Datasets the run reads (name + digest), as MLflow dataset inputs. */
  datasets?: DatasetInput[];
  /** `mlflow.source.name`; default the entry script relative to `repoDir`. */
  sourceName?: string;
  /** Where git and the lock file are looked up; default the working directory. */
  repoDir?: string;
  /** Test hook / no-git: the git state, or null when not in a repository. Default: asked from git. */
  git?: GitState | null;
}

export interface RecordedMetadata {
  configHash: string;
  /** Param keys left out of the params (too long a key or value, or not a valid MLflow key): only in config.json. */
  omittedParams: string[];
  git: GitState | null;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 });
}

/** The commit and dirty state of the repository at `dir`, or null outside a repository or without git. */
export function readGitState(dir: string): GitState | null {
  try {
    const commit = git(['rev-parse', 'HEAD'], dir).trim();
    const status = git(['status', '--porcelain'], dir);
    const dirty = status.trim() !== '';
    if (!dirty) return { commit, dirty, diff: '' };
    const untracked = status
      .split('\n')
      .filter((l) => l.startsWith('?? '))
      .map((l) => `untracked: ${l.slice(3)}`);
    return { commit, dirty, diff: git(['diff', 'HEAD'], dir) + (untracked.length ? `\n${untracked.join('\n')}\n` : '') };
  } catch {
    return null;
  }
}

/** The config as MLflow params: flattened dotted keys; keys or values MLflow cannot hold are listed apart. */
export function configParams(config: Record<string, unknown>): { params: Record<string, string>; omitted: string[] } {
  const params: Record<string, string> = {};
  const omitted: string[] = [];
  for (const [k, v] of Object.entries(flattenConfig(config))) {
    let ok = v.length <= MLFLOW_LIMITS.paramValueLength;
    try {
      validateKey('param', k);
    } catch {
      ok = false;
    }
    if (ok) params[k] = v;
    else omitted.push(k);
  }
  return { params, omitted };
}

/**
 * Records what every run must carry so that a number in a paper can be traced back: the resolved config as
 * params and whole as `config.json`, its hash, source and git commit (with the diff when the tree is dirty),
 * versions, CPU, lock-file hash and the datasets read.
 */
export async function recordRunMetadata(logger: RunLogger, meta: RunMetadata): Promise<RecordedMetadata> {
  const repoDir = resolve(meta.repoDir ?? process.cwd());
  const hash = meta.configHash ?? configHash(meta.config);
  const { params, omitted } = configParams(meta.config);
  await logger.logArtifactBytes(RUN_ARTIFACTS.config, `${JSON.stringify(JSON.parse(canonicalJson(meta.config)), null, 2)}\n`);
  // Batches of at most 100 params: MLflow's log-batch limit, so every store takes them the same way.
  const entries = Object.entries(params);
  for (let i = 0; i < entries.length; i += MLFLOW_LIMITS.batchParams) await logger.logParams(Object.fromEntries(entries.slice(i, i + MLFLOW_LIMITS.batchParams)));

  const gitState = meta.git === undefined ? readGitState(repoDir) : meta.git;
  const entry = process.argv[1];
  const tags: Record<string, string> = {
    [WORKBENCH_TAGS.configHash]: hash,
    [MLFLOW_TAGS.sourceName]: meta.sourceName ?? (entry ? relative(repoDir, entry) || entry : 'workbench'),
    [MLFLOW_TAGS.sourceType]: 'LOCAL',
    [WORKBENCH_TAGS.nodeVersion]: process.versions.node,
    [WORKBENCH_TAGS.cpu]: os.cpus()[0]?.model ?? 'unknown',
  };
  if (meta.backend !== undefined) tags[WORKBENCH_TAGS.backend] = meta.backend;
  if (meta.tfjsVersion !== undefined) tags[WORKBENCH_TAGS.tfjsVersion] = meta.tfjsVersion;
  if (meta.workbenchVersion !== undefined) tags[WORKBENCH_TAGS.workbenchVersion] = meta.workbenchVersion;
  const lockfile = join(repoDir, 'package-lock.json');
  if (existsSync(lockfile)) tags[WORKBENCH_TAGS.lockfileHash] = sha256Hex(readFileSync(lockfile));
  if (gitState) {
    tags[MLFLOW_TAGS.gitCommit] = gitState.commit;
    tags[WORKBENCH_TAGS.gitDirty] = String(gitState.dirty);
    if (gitState.dirty) await logger.logArtifactBytes(RUN_ARTIFACTS.gitDiff, gitState.diff);
  }
  if (omitted.length > 0) tags[WORKBENCH_TAGS.paramsOmitted] = omitted.join(',').slice(0, MLFLOW_LIMITS.runTagValueLength);
  await logger.setTags(tags);
  if (meta.datasets && meta.datasets.length > 0) await logger.logInputs(meta.datasets);
  return { configHash: hash, omittedParams: omitted, git: gitState };
}

/**
 * Runs `body` as the life of a run: FINISHED when it returns, FAILED when it throws (the message as a tag,
 * message and stack as an artifact; the error is rethrown). KILLED on signals is the Tracker's `handleSignals`.
 */
export async function runToCompletion<T>(logger: RunLogger, body: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    try {
      await logger.setTags({ [WORKBENCH_TAGS.error]: err.message.slice(0, MLFLOW_LIMITS.runTagValueLength) });
      await logger.logArtifactBytes(RUN_ARTIFACTS.error, `${err.stack ?? err.message}\n`);
    } finally {
      await logger.end('FAILED');
    }
    throw e;
  }
  await logger.end('FINISHED');
  return result;
}
