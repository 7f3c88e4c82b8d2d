// The entry file of a sweep worker process (forked by WorkerPool): it only starts the worker loop.
import { runWorker } from './sweep-worker.ts';

await runWorker();
