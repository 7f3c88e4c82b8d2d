import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSweep } from '@workbench/report';
import { openStore, type TrackingStore } from '@workbench/tracking';

export interface NotebookSweep {
  store: TrackingStore;
  sweepRunId: string;
  /** Where it came from, for the notebook's text. */
  origin: string;
}

/**
 * The sweep a notebook explores: WORKBENCH_TRACKING_URI + WORKBENCH_SWEEP when set (a `file:` or `http:` store:
 * better-sqlite3 is a legacy V8 addon Deno cannot load, so a `sqlite:` store is read through `workbench report`
 * or an `mlflow server` instead), else a small synthetic sweep written to a temporary `file:` store, so the
 * notebook runs anywhere, CI included.
 */
export async function openNotebookSweep(env: Record<string, string | undefined>): Promise<NotebookSweep> {
  const uri = env['WORKBENCH_TRACKING_URI'];
  const sweep = env['WORKBENCH_SWEEP'];
  if (uri && sweep) return { store: await openStore({ uri, env: {}, readOnly: true }), sweepRunId: sweep, origin: `sweep ${sweep} in ${uri}` };
  const dir = mkdtempSync(join(tmpdir(), 'notebook-sweep-'));
  const store = await openStore({ uri: `file:${join(dir, 'mlruns')}`, env: {} });
  const s = await writeSyntheticSweep(store, {
    experiment: 'notebook-demo',
    datasets: ['debtags-dev'],
    scenarios: ['keep10', 'keep30', 'keep50', 'full'],
    methods: { 'source-only': 0.4, 'partial-supervised': 0.9, vpu: 1.0, dallmi: 1.3 },
    variants: { dallmi: [{ params: { 'target.lr': '0.001' }, shift: 0.1 }, { params: { 'target.lr': '0.0001' }, shift: 0 }] },
    seeds: [1, 2, 3],
    rows: 80,
    labels: 8,
  });
  return { store, sweepRunId: s.parentRunId, origin: `a synthetic sweep (${s.cells.length} runs) in file:${join(dir, 'mlruns')}` };
}
