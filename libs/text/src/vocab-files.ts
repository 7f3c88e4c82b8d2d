import { WorkbenchError, isPlainObject } from '@workbench/core';

/**
 * Parsers for the vocabulary files of a Hugging Face tokenizer folder. Each reads what the slow
 * tokenizers of transformers 4.30 read, and turns what they would silently misread into a
 * TOKENIZER_INVALID error naming the file (and line) and the problem.
 */

/** vocab.txt: one token per line, the 0-based line number is the id. CRLF files read like LF ones. */
export function parseVocabTxt(text: string, file: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // A final newline ends the last line; it does not add an empty token.
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new WorkbenchError('TOKENIZER_INVALID', 'the vocabulary is empty', { where: { file } });
  return lines;
}

/** vocab.txt contents for a vocabulary in id order. */
export function formatVocabTxt(vocab: readonly string[]): string {
  for (const [i, t] of vocab.entries()) {
    if (/[\r\n]/.test(t)) throw new WorkbenchError('TOKENIZER_INVALID', `token ${i} ${JSON.stringify(t)} contains a line break and cannot be written to vocab.txt`);
  }
  return vocab.map((t) => `${t}\n`).join('');
}

/** JSON with a parse error turned into file:line:column. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message);
    let line: number | undefined;
    let column: number | undefined;
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split('\n').length;
      column = before.length - before.lastIndexOf('\n');
    }
    throw new WorkbenchError('TOKENIZER_INVALID', `malformed JSON: ${message}`, { where: { file, line, column }, cause: e });
  }
}

/** vocab.json: an object token -> non-negative integer id. */
export function parseVocabJson(text: string, file: string): Record<string, number> {
  const data = parseJsonFile(text, file);
  if (!isPlainObject(data)) {
    throw new WorkbenchError('TOKENIZER_INVALID', `expected an object mapping tokens to ids, got ${Array.isArray(data) ? 'an array' : typeof data}`, { where: { file } });
  }
  const out: Record<string, number> = {};
  for (const [token, id] of Object.entries(data)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new WorkbenchError('TOKENIZER_INVALID', `token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; ids must be non-negative integers`, {
        where: { file, path: JSON.stringify(token) },
      });
    }
    out[token] = id;
  }
  if (Object.keys(out).length === 0) throw new WorkbenchError('TOKENIZER_INVALID', 'the vocabulary is empty', { where: { file } });
  return out;
}

/**
 * merges.txt as the slow tokenizer reads it: `read().split("\n")[1:-1]`, i.e. the first line (the
 * `#version` header) and whatever follows the last newline are ignored. Every other non-blank line must
 * hold exactly two space-separated symbols; the reference silently ignores a malformed line, here it is
 * an error with its line number.
 */
export function parseMerges(text: string, file: string): [string, string][] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const merges: [string, string][] = [];
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const parts = line.split(/\s+/u).filter((p) => p !== '');
    if (parts.length !== 2) {
      throw new WorkbenchError('TOKENIZER_INVALID', `malformed merge rule ${JSON.stringify(line)}: expected two symbols separated by a space, found ${parts.length}`, {
        where: { file, line: i + 1 },
      });
    }
    merges.push([parts[0] as string, parts[1] as string]);
  }
  return merges;
}

/** merges.txt contents for merge rules in rank order (with the header line the reference skips). */
export function formatMerges(merges: readonly (readonly [string, string])[]): string {
  return `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}\n`).join('')}`;
}
