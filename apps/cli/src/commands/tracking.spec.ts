import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpoolFile } from '@workbench/tracking';
import { main } from '../main.ts';

/**
 * A minimal MLflow server for the replay: appends metric points like a FileStore (so a duplicate would show),
 * answers get-history and runs/update. The full client is tested in libs/tracking against recorded traffic.
 */
function miniMlflow(): Promise<{ server: Server; url: string; points: unknown[]; updates: unknown[] }> {
  const points: { key: string }[] = [];
  const updates: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const json = body ? JSON.parse(body) : {};
      res.setHeader('Content-Type', 'application/json');
      if (u.pathname === '/api/2.0/mlflow/runs/log-batch') points.push(...(json.metrics ?? []));
      else if (u.pathname === '/api/2.0/mlflow/metrics/get-history') {
        return res.end(JSON.stringify({ metrics: points.filter((p) => p.key === u.searchParams.get('metric_key')) }));
      } else if (u.pathname === '/api/2.0/mlflow/runs/update') {
        updates.push(json);
        return res.end(JSON.stringify({ run_info: { run_id: json.run_id, experiment_id: '1', status: json.status, lifecycle_stage: 'active' } }));
      } else {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `no ${u.pathname}` }));
      }
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, points, updates })));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'workbench', ...args], { out: (s) => void (out += `${s}\n`), err: (s) => void (err += `${s}\n`), env });
  return { code, out, err };
}

describe('workbench tracking sync', () => {
  it('replays a spooled run once, then has nothing left to sync', async () => {
    const mini = await miniMlflow();
    try {
      const runId = 'a'.repeat(32);
      const spool = SpoolFile.create(join(dir, 'spool'), { trackingUri: 'http://127.0.0.1:1', localRunId: runId, serverRunId: runId, createKey: 'k' });
      spool.append({ op: 'batch', metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: step === 1 ? 'NaN' : 1 / (step + 1), timestamp: 10 + step, step })) });
      spool.append({ op: 'update', status: 'FINISHED', end_time: 99 });

      // The file names a dead server; --tracking-uri sends it to the live one.
      const r1 = await cli(['tracking', 'sync', '--tracking-uri', mini.url, '--spool-dir', join(dir, 'spool')]);
      expect(r1.err).toBe('');
      expect(r1.code).toBe(0);
      expect(r1.out).toContain(`synced ${spool.path}: run ${runId} on ${mini.url} (3 metric points sent, 0 already there)`);
      expect(mini.points).toHaveLength(3);
      expect(mini.updates).toEqual([{ run_id: runId, status: 'FINISHED', end_time: 99 }]);
      expect(readdirSync(join(dir, 'spool'))).toEqual([`${runId}.jsonl.synced`]);

      const r2 = await cli(['tracking', 'sync', '--tracking-uri', mini.url], { WORKBENCH_SPOOL_DIR: join(dir, 'spool') });
      expect(r2).toMatchObject({ code: 0, out: `nothing to sync in ${join(dir, 'spool')}\n` });
      expect(mini.points).toHaveLength(3);
    } finally {
      await new Promise((r) => mini.server.close(r));
    }
  });

  it('an unreachable server keeps the file and exits 1; a non-http URI is refused', async () => {
    const runId = 'b'.repeat(32);
    const dead = await miniMlflow();
    await new Promise((r) => dead.server.close(r));
    SpoolFile.create(join(dir, 'spool'), { trackingUri: dead.url, localRunId: runId, serverRunId: runId, createKey: 'k' }).append({
      op: 'batch',
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
    });
    const r = await cli(['tracking', 'sync', '--spool-dir', join(dir, 'spool')], { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not synced .*bbbb\.jsonl: .*ECONNREFUSED.*the file is kept/s);
    expect(readdirSync(join(dir, 'spool'))).toEqual([`${runId}.jsonl`]);

    const bad = await cli(['tracking', 'sync', '--tracking-uri', 'sqlite:///mlflow.db', '--spool-dir', join(dir, 'spool')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("--tracking-uri: spooled runs replay to an MLflow tracking server; 'sqlite:///mlflow.db' is not an http(s) URI");
  });
});
