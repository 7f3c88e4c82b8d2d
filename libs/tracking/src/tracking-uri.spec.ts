import { isWorkbenchError } from '@workbench/core';
import { removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { openStore } from './open-store.ts';
import { parseTrackingUri, resolveTrackingUri } from './tracking-uri.ts';

afterAll(removeTempDirs);

const parse = (uri: string) => parseTrackingUri({ uri, source: '--tracking-uri' }, '/work/here');

describe('parseTrackingUri reads URIs as MLflow does', () => {
  it.each([
    ['sqlite:///mlflow.db', 'sqlite', '/work/here/mlflow.db'],
    ['sqlite:///runs/sub/m.db', 'sqlite', '/work/here/runs/sub/m.db'],
    ['sqlite:////abs/path/m.db', 'sqlite', '/abs/path/m.db'],
    ['sqlite://', 'sqlite', ':memory:'],
    ['sqlite:///:memory:', 'sqlite', ':memory:'],
    ['file:mlruns', 'file', '/work/here/mlruns'],
    ['file:./mlruns', 'file', '/work/here/mlruns'],
    ['file:///abs/mlruns', 'file', '/abs/mlruns'],
    ['file://localhost/abs/ml%20runs', 'file', '/abs/ml runs'],
    ['./mlruns', 'file', '/work/here/mlruns'],
    ['/abs/mlruns', 'file', '/abs/mlruns'],
    ['mlruns', 'file', '/work/here/mlruns'],
  ])('%s -> %s %s', (uri, scheme, path) => {
    expect(parse(uri)).toMatchObject({ scheme, path });
  });

  it('http(s) URIs keep host, port and prefix (trailing slash dropped)', () => {
    expect(parse('http://localhost:5000/')).toEqual({ scheme: 'http', uri: 'http://localhost:5000', source: '--tracking-uri' });
    expect(parse('https://mlflow.example.org/prefix')).toMatchObject({ scheme: 'https', uri: 'https://mlflow.example.org/prefix' });
  });

  it.each([
    ['sqlite:/relative.db', 'is not a SQLite URL'],
    ['sqlite:///', 'names no database file'],
    ['file://otherhost/x', "names host 'otherhost'"],
    ['http://', 'is not a valid URL'],
    [' sqlite:///x.db', 'surrounding spaces'],
  ])('malformed %p: TRACKING_URI naming the URI and where it came from', (uri, why) => {
    let err: unknown;
    try {
      parseTrackingUri({ uri, source: 'MLFLOW_TRACKING_URI' });
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err) && err.code).toBe('TRACKING_URI');
    expect((err as Error).message).toContain(`'${uri}'`);
    expect((err as Error).message).toContain(why);
    expect((err as Error).message).toMatch(/^MLFLOW_TRACKING_URI: /);
  });
});

describe('openStore', () => {
  it('prefers the flag, then MLFLOW_TRACKING_URI, then sqlite:///mlflow.db', () => {
    expect(resolveTrackingUri('file:a', { MLFLOW_TRACKING_URI: 'file:b' })).toEqual({ uri: 'file:a', source: '--tracking-uri' });
    expect(resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: 'file:b' })).toEqual({ uri: 'file:b', source: 'MLFLOW_TRACKING_URI' });
    expect(resolveTrackingUri(undefined, {})).toEqual({ uri: 'sqlite:///mlflow.db', source: 'default' });
  });

  it('the default store is ./mlflow.db with artifacts in ./mlruns/<exp>/<run>/artifacts', async () => {
    const cwd = tempDir();
    const store = await openStore({ cwd, env: {} });
    expect(store.kind).toBe('sqlite');
    const run = await store.createRun({ experimentId: '0', runName: 'r' });
    await store.putArtifact(run.info.runId, 'a.txt', 'x');
    expect(run.info.artifactUri).toBe(`${cwd}/mlruns/0/${run.info.runId}/artifacts`);
    await store.close();
    // Its artifact folders in ./mlruns do not make ./mlruns look like a FileStore.
    expect(resolveTrackingUri(undefined, {}, cwd)).toEqual({ uri: 'sqlite:///mlflow.db', source: 'default' });
  });

  it('as MLflow 3.7+: the default stays ./mlruns when it already holds FileStore experiments and there is no mlflow.db', async () => {
    const cwd = tempDir();
    expect(resolveTrackingUri(undefined, {}, cwd)).toEqual({ uri: 'sqlite:///mlflow.db', source: 'default' });
    await (await openStore({ uri: 'file:./mlruns', cwd, env: {} })).close();
    expect(resolveTrackingUri(undefined, {}, cwd)).toEqual({ uri: 'file:./mlruns', source: 'default' });
    const store = await openStore({ cwd, env: {} });
    expect(store.kind).toBe('file');
    await store.close();
    expect(resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: 'sqlite:///x.db' }, cwd).uri).toBe('sqlite:///x.db');
  });

  it('an unsupported scheme is TRACKING_URI naming the URI, its source and the supported schemes', async () => {
    await expect(openStore({ uri: 'postgresql://db/mlflow', env: {} })).rejects.toMatchObject({
      code: 'TRACKING_URI',
      message: expect.stringMatching(/^--tracking-uri: tracking URI 'postgresql:\/\/db\/mlflow' has an unsupported scheme 'postgresql:'; supported: .*file.*sqlite/),
    });
    for (const uri of ['databricks', 'databricks://profile']) {
      await expect(openStore({ env: { MLFLOW_TRACKING_URI: uri }, cwd: tempDir() })).rejects.toMatchObject({
        code: 'TRACKING_URI',
        message: expect.stringContaining(`MLFLOW_TRACKING_URI: tracking URI '${uri}' has an unsupported scheme 'databricks:'`),
      });
    }
  });
});
