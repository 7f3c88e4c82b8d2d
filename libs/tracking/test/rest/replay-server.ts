import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { RecordedExchange } from './rest-transcript.ts';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/api/2.0/mlflow/runs/get?run_id=...`. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The parsed JSON body, undefined when not JSON. */
  json: unknown;
}

export type TestHandler = (req: SeenRequest, res: ServerResponse) => unknown;

export interface TestServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 (random port unless given), recording every request. */
export async function startTestServer(handler: TestHandler, port = 0): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const u = new URL(req.url ?? '/', 'http://x');
      let json: unknown;
      try {
        json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const s: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', pathname: u.pathname, query: u.searchParams, headers: req.headers, body, json };
      seen.push(s);
      Promise.resolve(handler(s, res)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  // Tests close the server with keep-alive sockets open; do not let them hold the process.
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a recorded exchange exactly as the real server sent it (JSON, HTML or raw bytes). */
export function sendRecorded(res: ServerResponse, ex: RecordedExchange): void {
  res.statusCode = ex.status;
  const isJson = ex.response !== undefined;
  res.setHeader('Content-Type', isJson ? 'application/json' : ex.responseText.startsWith('<!doctype') ? 'text/html; charset=utf-8' : 'application/octet-stream');
  res.end(ex.responseText);
}

/**
 * A replay server: each incoming request is matched to the first unused recorded exchange with the same
 * method, path+query and the same JSON body (exchanges whose body the recorder cut never match), and answered with the recorded response.
 * An unmatched request gets 599 and is listed in `unmatched`, so the test can show what the client sent.
 */
export function transcriptHandler(exchanges: RecordedExchange[], unmatched: SeenRequest[] = []): TestHandler {
  const used = new Set<number>();
  return (req, res) => {
    const ex = exchanges.find(
      (e) => !used.has(e.index) && e.method === req.method && samePathAndQuery(e.path, req.url) && (e.requestText === undefined || isDeepStrictEqual(e.request, req.json)),
    );
    if (!ex) {
      unmatched.push(req);
      res.statusCode = 599;
      res.end(`no recorded exchange for ${req.method} ${req.url} ${req.body.toString('utf8').slice(0, 200)}`);
      return;
    }
    used.add(ex.index);
    sendRecorded(res, ex);
  };
}

/** Same path and same decoded query parameters (`a/b` and `a%2Fb` are one value). */
export function samePathAndQuery(a: string, b: string): boolean {
  const ua = new URL(a, 'http://x');
  const ub = new URL(b, 'http://x');
  const norm = (u: URL): string => JSON.stringify([...u.searchParams].sort());
  return ua.pathname === ub.pathname && norm(ua) === norm(ub);
}
