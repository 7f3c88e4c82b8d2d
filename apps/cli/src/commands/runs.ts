import { InvalidArgumentError } from 'commander';
import { TrackingReader, HEARTBEAT_TAGS, TERMINAL_STATUSES, type Run } from '@workbench/tracking';
import type { RunStatus } from '@workbench/core';
import type { CliCommand, CliIO } from '../command.ts';
import { positiveInt } from '../options.ts';

const STATUSES: RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

function parseStatus(value: string, previous: RunStatus[] = []): RunStatus[] {
  const s = value.toUpperCase() as RunStatus;
  if (!STATUSES.includes(s)) throw new InvalidArgumentError(`--status must be one of ${STATUSES.join(', ')}, got '${value}'`);
  return [...previous, s];
}

function parseTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`--tag must be KEY=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
}

function openReader(io: CliIO, trackingUri: string | undefined): Promise<TrackingReader> {
  // Read-only: listing runs must never create a database or a Default experiment.
  return TrackingReader.open({ uri: trackingUri, env: io.env, readOnly: true });
}

function iso(ms: number | null): string {
  return ms === null || ms === 0 ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function duration(run: Run, now: number): string {
  const end = run.info.endTime ?? (TERMINAL_STATUSES.includes(run.info.status) ? null : now);
  if (end === null || !run.info.startTime) return '-';
  const s = Math.max(0, Math.round((end - run.info.startTime) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** RUNNING, or RUNNING? when the heartbeat says the process is probably gone. */
function status(run: Run, now: number): string {
  if (run.info.status !== 'RUNNING') return run.info.status;
  const beat = Number(run.data.tags[HEARTBEAT_TAGS.heartbeat]);
  const interval = Number(run.data.tags[HEARTBEAT_TAGS.intervalMs]) || 30_000;
  return Number.isFinite(beat) && now - beat > 3 * interval ? 'RUNNING? (no heartbeat)' : 'RUNNING';
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

function runJson(run: Run): Record<string, unknown> {
  return {
    ...run.info,
    params: run.data.params,
    // JSON has no NaN/Infinity: written as MLflow's REST API writes them.
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, Number.isFinite(m.value) ? m.value : Number.isNaN(m.value) ? 'NaN' : m.value > 0 ? 'Infinity' : '-Infinity'])),
    tags: run.data.tags,
    inputs: run.inputs,
  };
}

export const runsCommand: CliCommand = {
  register(program, io) {
    const runs = program.command('runs').description('list and inspect tracked runs (any MLflow store)');
    runs
      .command('list')
      .description('runs of an experiment (or of all), newest first')
      .option('--experiment <name>', 'experiment name or id (default: every active experiment)')
      .option('--status <status>', 'only runs with this status (repeatable)', parseStatus)
      .option('--tag <key=value>', 'only runs with this tag value (repeatable), e.g. workbench.config_hash=...', parseTag)
      .option('--limit <n>', 'at most this many runs', positiveInt('--limit'))
      .option('--tracking-uri <uri>', 'tracking URI (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--json', 'print JSON')
      .action(async (opts: { experiment?: string; status?: RunStatus[]; tag?: Record<string, string>; limit?: number; trackingUri?: string; json?: boolean }) => {
        const reader = await openReader(io, opts.trackingUri);
        try {
          const experiments = await reader.experiments('ALL');
          const names = new Map(experiments.map((e) => [e.experimentId, e.name]));
          const found = await reader.findRuns({ experiments: opts.experiment ? [opts.experiment] : undefined, statuses: opts.status, tags: opts.tag, limit: opts.limit });
          if (opts.json) {
            io.out(JSON.stringify(found.map((r) => ({ experiment: names.get(r.info.experimentId), ...runJson(r) })), null, 2));
            return;
          }
          if (found.length === 0) {
            io.out(`no runs in ${reader.store.uri}${opts.experiment ? ` (experiment '${opts.experiment}')` : ''}`);
            return;
          }
          const now = Date.now();
          const rows = [['RUN ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'EXPERIMENT', 'PARENT', 'METRICS']];
          for (const r of found) {
            const metrics = r.data.metrics
              .slice(0, 4)
              .map((m) => `${m.key}=${formatValue(m.value)}`)
              .join(' ');
            const parent = r.data.tags['mlflow.parentRunId'];
            rows.push([r.info.runId, r.info.runName, status(r, now), iso(r.info.startTime), duration(r, now), names.get(r.info.experimentId) ?? r.info.experimentId, parent ? parent.slice(0, 8) : '-', metrics + (r.data.metrics.length > 4 ? ' ...' : '')]);
          }
          io.out(table(rows));
        } finally {
          await reader.close();
        }
      });

    runs
      .command('show <run_id>')
      .description('one run: info, params, latest metrics, tags, dataset inputs, artifacts, child runs')
      .option('--tracking-uri <uri>', 'tracking URI (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .option('--json', 'print JSON')
      .action(async (runId: string, opts: { trackingUri?: string; json?: boolean }) => {
        const reader = await openReader(io, opts.trackingUri);
        try {
          const run = await reader.run(runId);
          const experiment = await reader.experiment(run.info.experimentId);
          const children = await reader.children(run);
          // Artifacts of a server-side store may not be reachable from here: say so instead of failing.
          let artifacts: { path: string; fileSize?: number }[] | string;
          try {
            artifacts = await reader.artifactFiles(runId);
          } catch (e) {
            artifacts = (e as Error).message.split('\n')[0];
          }
          if (opts.json) {
            io.out(JSON.stringify({ experiment: experiment.name, ...runJson(run), artifacts, children: children.map((c) => c.info.runId) }, null, 2));
            return;
          }
          const now = Date.now();
          const lines = [
            `run:         ${run.info.runId} (${run.info.runName})`,
            `experiment:  ${experiment.name} (${experiment.experimentId})`,
            `status:      ${status(run, now)}`,
            `started:     ${iso(run.info.startTime)}`,
            `ended:       ${iso(run.info.endTime)} (${duration(run, now)})`,
            `user:        ${run.info.userId || '-'}`,
            `artifacts:   ${run.info.artifactUri}`,
          ];
          const section = (title: string, entries: [string, string][]) => {
            lines.push('', `${title}:`);
            if (entries.length === 0) lines.push('  (none)');
            const w = Math.max(0, ...entries.map(([k]) => k.length));
            for (const [k, v] of entries) lines.push(`  ${k.padEnd(w)}  ${v.length > 200 ? `${v.slice(0, 200)}... (${v.length} chars)` : v}`);
          };
          section('params', Object.entries(run.data.params));
          section('metrics (latest)', run.data.metrics.map((m) => [m.key, `${formatValue(m.value)} (step ${m.step})`]));
          section('tags', Object.entries(run.data.tags));
          section('datasets', run.inputs.map((i) => [i.dataset.name, `digest ${i.dataset.digest}${i.tags['mlflow.data.context'] ? `, ${i.tags['mlflow.data.context']}` : ''}`]));
          section('artifact files', typeof artifacts === 'string' ? [['(unavailable)', artifacts]] : artifacts.map((a) => [a.path, `${a.fileSize ?? 0} B`]));
          section('child runs', children.map((c) => [c.info.runId, `${c.info.runName} ${c.info.status}`]));
          io.out(lines.join('\n'));
        } finally {
          await reader.close();
        }
      });
  },
};
