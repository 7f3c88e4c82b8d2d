import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One recorded exchange of test/fixtures/rest/*.txt (see the README there for the format). */
export interface RecordedExchange {
  /** 0-based position in the transcript. */
  index: number;
  method: 'GET' | 'POST' | 'PUT';
  /** Path with its query string, as recorded. */
  path: string;
  /** The recorder's note above the block, e.g. "(1001-metric log-batch)". */
  note?: string;
  /** The request body text; undefined for GETs. */
  requestText?: string;
  /** The parsed request body; undefined when absent or cut by the recorder. */
  request?: unknown;
  status: number;
  responseText: string;
  /** The parsed response; undefined for HTML or a body cut by the recorder. */
  response?: unknown;
}

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rest');

function tryJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function loadTranscript(name: string): RecordedExchange[] {
  const text = readFileSync(join(FIXTURES_DIR, name), 'utf8');
  const lines = text.split('\n');
  const out: RecordedExchange[] = [];
  let note: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\(.*\)$/.test(line)) {
      note = line;
      continue;
    }
    const head = /^### (GET|POST|PUT) (\S+)$/.exec(line);
    if (!head) continue;
    let j = i + 1;
    let requestText: string | undefined;
    const raw: string[] = [];
    for (; j < lines.length && !/^HTTP \d+$/.test(lines[j]!); j++) {
      if (lines[j]!.startsWith('request: ')) requestText = lines[j]!.slice('request: '.length);
      else raw.push(lines[j]!);
    }
    const status = Number(lines[j]!.slice(5));
    let k = j + 1;
    const body: string[] = [];
    for (; k < lines.length && !lines[k]!.startsWith('### ') && !/^\(.*\)$/.test(lines[k]!); k++) body.push(lines[k]!);
    let responseText = body.join('\n').replace(/^response: /, '').trim();
    // Artifact exchanges record the raw body between the header and the status line.
    if (responseText === '' && raw.length > 0) responseText = raw.join('\n');
    out.push({
      index: out.length,
      method: head[1] as RecordedExchange['method'],
      path: head[2]!,
      note,
      requestText,
      request: tryJson(requestText),
      status,
      responseText,
      response: tryJson(responseText),
    });
    note = undefined;
    i = k - 1;
  }
  return out;
}

export const TRANSCRIPTS = ['rest-transcript-sqlite.txt', 'rest-transcript-file.txt', 'rest-edge-sqlite.txt', 'rest-edge-file.txt'] as const;
