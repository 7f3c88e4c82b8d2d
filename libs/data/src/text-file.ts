import { readFileSync } from 'node:fs';
import { WorkbenchError } from '@workbench/core';

export type TextEncoding = 'utf-8' | 'latin1';

/**
 * Reads a text file. UTF-8 is decoded strictly: invalid bytes are an error naming the file and line instead
 * of silently becoming U+FFFD in a training text. A leading byte-order mark is removed.
 */
export function readTextFile(file: string, encoding: TextEncoding = 'utf-8'): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new WorkbenchError('DATASET_NOT_FOUND', `cannot read data file: ${(e as Error).message}`, { where: { file }, cause: e });
  }
  if (encoding === 'latin1') return bytes.toString('latin1');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const loose = new TextDecoder('utf-8').decode(bytes);
    const at = loose.indexOf('\ufffd');
    const line = at < 0 ? undefined : loose.slice(0, at).split('\n').length;
    throw new WorkbenchError('DATASET_INVALID', 'file is not valid UTF-8', {
      where: { file, line },
      hint: "convert it to UTF-8, or set the adapter option encoding: 'latin1' if that is its encoding",
      cause: e,
    });
  }
}

/** Splits text into lines (LF or CRLF) with 1-based line numbers; a final newline does not make an extra line. */
export function* textLines(text: string): Generator<{ line: number; text: string }> {
  let start = 0;
  let line = 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    yield { line, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
    start = end + 1;
    line++;
  }
}
