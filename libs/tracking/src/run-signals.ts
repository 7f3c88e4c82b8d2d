import type { StoreRunLogger } from './store-run-logger.ts';

/** Runs to end as KILLED on SIGINT/SIGTERM, newest first so children end before their parent. */
const open: StoreRunLogger[] = [];
let installed = false;
let stopping = false;

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return; // a second Ctrl-C while flushing: let the flush finish
  stopping = true;
  process.stderr.write(`\nworkbench: ${signal}: flushing and marking ${open.length} run(s) KILLED\n`);
  for (const logger of [...open].reverse()) {
    try {
      await logger.end('KILLED');
    } catch (e) {
      process.stderr.write(`workbench: could not mark run ${logger.runId} KILLED: ${(e as Error).message}\n`);
    }
  }
  process.exit(EXIT_CODES[signal] ?? 1);
}

function handler(signal: NodeJS.Signals): void {
  void onSignal(signal);
}

/**
 * Registers a run to be flushed and ended KILLED when the process gets SIGINT or SIGTERM. Returns the function
 * that unregisters it (the run ended normally); handlers are removed with the last run.
 */
export function trackSignals(logger: StoreRunLogger): () => void {
  open.push(logger);
  if (!installed) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    installed = true;
  }
  return () => {
    const i = open.indexOf(logger);
    if (i >= 0) open.splice(i, 1);
    if (open.length === 0 && installed && !stopping) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      installed = false;
    }
  };
}
