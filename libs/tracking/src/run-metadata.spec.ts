import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configHash, sha256Hex } from '@workbench/core';
import { removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { FileStore } from './file-store.ts';
import { TrackingReader } from './reader.ts';
import { RUN_ARTIFACTS, WORKBENCH_TAGS, readGitState, recordRunMetadata, runToCompletion } from './run-metadata.ts';
import { SqliteStore } from './sqlite-store.ts';
import { Tracker } from './tracker.ts';

afterAll(removeTempDirs);

function gitRepo(): string {
  const dir = tempDir('wb-git-');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.email', 'spec@example.com');
  git('config', 'user.name', 'spec');
  writeFileSync(join(dir, 'train.ts'), 'export const lr = 0.01;\n');
  writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion": 3}\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  return dir;
}

describe('recordRunMetadata', () => {
  it('records config params and config.json, hash, source, git commit + diff when dirty, versions, CPU, lock-file hash, dataset', async () => {
    const repo = gitRepo();
    writeFileSync(join(repo, 'train.ts'), 'export const lr = 0.02;\n');
    const root = join(tempDir(), 'mlruns');
    const store = FileStore.open({ uri: `file:${root}`, path: root });
    const tracker = new Tracker(store, { heartbeatMs: 0, userId: 'ana' });
    const run = await tracker.startRun({ experiment: 'meta', runName: 'cell-1' });
    const config = {
      method: { name: 'dallmi', lr: 2e-5, layers: [1, 2] },
      notes: 'x'.repeat(7000),
      ['k'.repeat(251)]: 1,
      seed: 7,
    };
    const recorded = await recordRunMetadata(run, {
      config,
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      workbenchVersion: '0.1.0',
      repoDir: repo,
      sourceName: 'apps/cli/src/commands/run.ts',
      datasets: [{ name: 'debtags-dev', digest: 'd1g35t00', source: '{"uri": "datasets/debtags-dev"}', sourceType: 'local', context: 'train' }],
    });
    await run.end('FINISHED');

    const reader = new TrackingReader(store);
    const back = await reader.run(run.runId);
    expect(back.data.params).toEqual({ 'method.layers': '[1,2]', 'method.lr': '0.00002', 'method.name': 'dallmi', seed: '7' });
    expect(recorded.omittedParams.sort()).toEqual(['k'.repeat(251), 'notes'].sort());
    expect(recorded.configHash).toBe(configHash(config));
    expect(JSON.parse(await reader.readArtifactText(run.runId, RUN_ARTIFACTS.config))).toEqual(config);
    const tags = back.data.tags;
    expect(tags).toMatchObject({
      [WORKBENCH_TAGS.configHash]: configHash(config),
      'mlflow.runName': 'cell-1',
      'mlflow.user': 'ana',
      'mlflow.source.name': 'apps/cli/src/commands/run.ts',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim(),
      [WORKBENCH_TAGS.gitDirty]: 'true',
      [WORKBENCH_TAGS.backend]: 'wasm',
      [WORKBENCH_TAGS.tfjsVersion]: '4.22.0',
      [WORKBENCH_TAGS.workbenchVersion]: '0.1.0',
      [WORKBENCH_TAGS.nodeVersion]: process.versions.node,
      [WORKBENCH_TAGS.lockfileHash]: sha256Hex('{"lockfileVersion": 3}\n'),
    });
    expect(tags[WORKBENCH_TAGS.cpu]).not.toBe('');
    expect(tags[WORKBENCH_TAGS.paramsOmitted].split(',').sort()).toEqual(recorded.omittedParams.sort());
    const diff = await reader.readArtifactText(run.runId, RUN_ARTIFACTS.gitDiff);
    expect(diff).toContain('-export const lr = 0.01;');
    expect(diff).toContain('+export const lr = 0.02;');
    expect(back.inputs).toEqual([
      { dataset: { name: 'debtags-dev', digest: 'd1g35t00', source: '{"uri": "datasets/debtags-dev"}', sourceType: 'local' }, tags: { 'mlflow.data.context': 'train' } },
    ]);
  });

  it('a clean tree: dirty=false and no diff artifact; outside a repository: no git tags', async () => {
    const repo = gitRepo();
    expect(readGitState(repo)).toMatchObject({ dirty: false, diff: '' });
    expect(readGitState(tempDir())).toBeNull();
    const dir = tempDir();
    const store = SqliteStore.open({ uri: 'sqlite:///mlflow.db', path: join(dir, 'mlflow.db'), artifactRoot: join(dir, 'mlruns') });
    const tracker = new Tracker(store, { heartbeatMs: 0 });
    const clean = await tracker.startRun({ runName: 'clean' });
    await recordRunMetadata(clean, { config: { a: 1 }, repoDir: repo });
    const noGit = await tracker.startRun({ runName: 'nogit' });
    await recordRunMetadata(noGit, { config: { a: 1 }, repoDir: tempDir(), git: null });
    const reader = new TrackingReader(store);
    expect((await reader.run(clean.runId)).data.tags[WORKBENCH_TAGS.gitDirty]).toBe('false');
    expect((await reader.artifactFiles(clean.runId)).map((a) => a.path)).toEqual([RUN_ARTIFACTS.config]);
    expect((await reader.run(noGit.runId)).data.tags['mlflow.source.git.commit']).toBeUndefined();
    // The run of a config hash is found again (resume): only FINISHED runs count.
    expect(await reader.findFinishedByConfigHash(configHash({ a: 1 }))).toBeUndefined();
    await clean.end('FINISHED');
    expect((await reader.findFinishedByConfigHash(configHash({ a: 1 })))?.info.runId).toBe(clean.runId);
    await store.close();
  });
});

describe('runToCompletion', () => {
  it('ends FINISHED on success and FAILED with the error tag and stack artifact on a throw (rethrown)', async () => {
    const root = join(tempDir(), 'mlruns');
    const store = FileStore.open({ uri: `file:${root}`, path: root });
    const tracker = new Tracker(store, { heartbeatMs: 0 });
    const ok = await tracker.startRun({ runName: 'ok' });
    expect(await runToCompletion(ok, async () => 42)).toBe(42);
    const bad = await tracker.startRun({ runName: 'bad' });
    await expect(
      runToCompletion(bad, async () => {
        await bad.logMetric('loss', 0.5, 0);
        throw new Error('loss diverged at step 3');
      }),
    ).rejects.toThrow('loss diverged at step 3');
    const reader = new TrackingReader(store);
    expect((await reader.run(ok.runId)).info.status).toBe('FINISHED');
    const failed = await reader.run(bad.runId);
    expect(failed.info.status).toBe('FAILED');
    expect(failed.info.endTime).toEqual(expect.any(Number));
    expect(failed.data.tags[WORKBENCH_TAGS.error]).toBe('loss diverged at step 3');
    expect(failed.data.metrics).toEqual([expect.objectContaining({ key: 'loss', value: 0.5 })]);
    const stack = await reader.readArtifactText(bad.runId, RUN_ARTIFACTS.error);
    expect(stack).toMatch(/^Error: loss diverged at step 3\n\s+at /);
  });
});
