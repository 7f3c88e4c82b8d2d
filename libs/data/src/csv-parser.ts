/** One CSV record with the 1-based line it starts on; `error` is set when the record is malformed. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

export interface CsvOptions {
  /** One character; ',' for CSV, '\t' for TSV. */
  delimiter?: string;
  /** Skip records that are one empty field (blank lines), as pandas does. Default true. */
  skipBlankLines?: boolean;
}

/**
 * An RFC 4180 parser: fields separated by the delimiter, records by CRLF, LF or CR; a field in double quotes
 * may hold delimiters, line breaks and doubled quotes (""). A quote after the closing quote of a field, or a
 * quoted field still open at the end of the text, makes the record malformed (its `error` says how); parsing
 * goes on with the next record so a lenient load can report every bad record.
 */
export function* parseCsv(text: string, options: CsvOptions = {}): Generator<CsvRecord> {
  const delim = options.delimiter ?? ',';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') throw new Error(`parseCsv: bad delimiter ${JSON.stringify(delim)}`);
  const skipBlank = options.skipBlankLines ?? true;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    // One record.
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const opened = line;
        i++;
        let closed = false;
        // Copy runs up to the next quote in one slice (fast on long quoted texts), counting line breaks.
        while (i < n) {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          const chunk = text.slice(i, end);
          line += countLineBreaks(chunk, text[end]);
          field += chunk;
          i = end;
          if (q < 0) break;
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (!closed) error ??= `quoted field opened on line ${opened} is never closed`;
        // After a closing quote only a delimiter or the end of the record may follow.
        if (closed && i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') {
          error ??= `unexpected character ${JSON.stringify(text[i])} after a closing quote in field ${fields.length + 1}`;
          while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
        }
      } else {
        const startField = i;
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(startField, i);
        if (field.includes('"')) error ??= `a double quote inside the unquoted field ${fields.length + 1} (quote the field and double the quote)`;
      }
      fields.push(field);
      if (i < n && text[i] === delim) {
        i++;
        continue;
      }
      // End of record: CRLF, LF, CR or end of text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (skipBlank && fields.length === 1 && fields[0] === '' && error === undefined) continue;
    yield error === undefined ? { line: start, fields } : { line: start, fields, error };
  }
}

/** Line breaks in a chunk: LF, and CR not followed by LF (a CR at the chunk end looks at the next character). */
function countLineBreaks(chunk: string, next: string | undefined): number {
  let count = 0;
  for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) count++;
  for (let k = chunk.indexOf('\r'); k >= 0; k = chunk.indexOf('\r', k + 1)) {
    const after = k + 1 < chunk.length ? chunk[k + 1] : next;
    if (after !== '\n') count++;
  }
  return count;
}
