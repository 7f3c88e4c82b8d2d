import { removeTempDirs, tempDir } from '../test/local/golden-tree.ts';
import { startFakeMlflow, type FakeMlflow } from '../test/rest/fake-mlflow-server.ts';
import { TrackingReader } from './reader.ts';
import { CREATE_KEY_TAG } from './rest/mlflow-rest-client.ts';
import { SQL_INFINITY } from './sql-metric-value.ts';
import { Tracker } from './tracker.ts';

afterAll(removeTempDirs);

/** The same run (a sweep parent and one cell) logged through the Tracker, as `workbench run` logs it. */
async function logRun(tracker: Tracker): Promise<{ parent: string; cell: string }> {
  const parent = await tracker.startRun({ experiment: 'equivalence', runName: 'sweep' });
  const cell = await parent.startChild('cell-0', { 'workbench.config_hash': 'abc' });
  await cell.logParams({ 'method.name': 'dallmi', 'train.lr': 2e-5, 'train.epochs': 3 });
  for (let epoch = 0; epoch < 3; epoch++) await cell.logMetrics({ loss: 1 / (epoch + 1), 'target/mAP': 0.4 + epoch / 10 }, epoch, 1_700_000_000_000 + epoch);
  await cell.logMetric('diverged', NaN, 3, 1_700_000_000_010);
  await cell.logMetric('ratio', Infinity, 0, 1_700_000_000_011);
  await cell.logMetric('ratio', -Infinity, 1, 1_700_000_000_012);
  await cell.logArtifactBytes('per-label.json', '{"cs.CL": 0.5}\n');
  await cell.end('FINISHED');
  await parent.end('FINISHED');
  return { parent: parent.runId, cell: cell.runId };
}

describe('one run logged to each kind of tracking URI reads back the same', () => {
  let fake: FakeMlflow;
  beforeAll(async () => {
    fake = await startFakeMlflow();
  });
  afterAll(() => fake.close());

  it('sqlite:, file: and http: give the same params, tags, metric histories and artifacts (non-finite values per backend)', async () => {
    const results: Record<string, unknown> = {};
    for (const uri of ['sqlite:///mlflow.db', 'file:./mlruns', fake.url]) {
      const tracker = await Tracker.open({ uri, cwd: tempDir(), env: {}, heartbeatMs: 0, userId: 'ana' });
      const { parent, cell } = await logRun(tracker);
      const reader = new TrackingReader(tracker.store);
      const run = await reader.run(cell);
      const histories = await reader.metricHistories(cell);
      // The REST store tags each run with the key that makes a retried runs/create idempotent.
      const { 'mlflow.parentRunId': parentTag, [CREATE_KEY_TAG]: _createKey, ...tags } = run.data.tags;
      expect(parentTag).toBe(parent);
      results[uri] = {
        status: run.info.status,
        runName: run.info.runName,
        params: run.data.params,
        tags,
        histories: Object.fromEntries(Object.entries(histories).map(([k, points]) => [k, points.map((p) => [p.step, p.timestamp, p.value])])),
        artifact: await reader.readArtifactText(cell, 'per-label.json'),
        children: (await reader.children(await reader.run(parent))).map((c) => c.info.runId),
      };
      expect((results[uri] as { children: string[] }).children).toEqual([cell]);
      await tracker.close();
    }
    const [sqlite, file, http] = Object.values(results) as Record<string, any>[];
    // MLflow's SQL backend clamps infinities to +/-1.7976931348623157e308; FileStore and its REST API keep them.
    expect(sqlite.histories.ratio).toEqual([
      [0, 1_700_000_000_011, SQL_INFINITY],
      [1, 1_700_000_000_012, -SQL_INFINITY],
    ]);
    expect(file.histories.ratio).toEqual([
      [0, 1_700_000_000_011, Infinity],
      [1, 1_700_000_000_012, -Infinity],
    ]);
    const finite = (r: Record<string, any>) => ({ ...r, children: [], histories: { ...r.histories, ratio: undefined } });
    expect(finite(file)).toEqual(finite(sqlite));
    expect(finite(http)).toEqual(finite(file));
    expect(http.histories.ratio).toEqual(file.histories.ratio);
    expect(Number.isNaN(sqlite.histories.diverged[0][2]) && Number.isNaN(file.histories.diverged[0][2]) && Number.isNaN(http.histories.diverged[0][2])).toBe(true);
    expect(sqlite.params).toEqual({ 'method.name': 'dallmi', 'train.epochs': '3', 'train.lr': '0.00002' });
  });
});
