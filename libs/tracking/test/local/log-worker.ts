/**
 * A separate process that logs to a store, for the concurrency and crash specs. Usage:
 *   node --import tsx log-worker.ts <tracking-uri> <experiment> <run-name> <points> <finish|hang> [signals]
 * It prints `RUN <id>` once the run exists and `ACK <step>` after each logMetric promise resolved (the point is
 * durable), then either ends the run FINISHED or keeps logging slowly until it is killed.
 */
import { openStore } from '../../src/open-store.ts';
import { Tracker } from '../../src/tracker.ts';

const [uri, experiment, runName, pointsText, mode, signals] = process.argv.slice(2);
const points = Number(pointsText);
const store = await openStore({ uri, env: {} });
const tracker = new Tracker(store, { heartbeatMs: 200, handleSignals: signals === 'signals', userId: 'worker' });
const run = await tracker.startRun({ experiment, runName });
process.stdout.write(`RUN ${run.runId}\n`);
await run.logParams({ worker: runName });
for (let step = 0; mode === 'hang' || step < points; step++) {
  await run.logMetric('loss', 1 / (step + 1), step, 1_700_000_000_000 + step);
  process.stdout.write(`ACK ${step}\n`);
  if (mode === 'hang') await new Promise((r) => setTimeout(r, step < points ? 0 : 5));
}
await run.end('FINISHED');
await store.close();
process.stdout.write('DONE\n');
