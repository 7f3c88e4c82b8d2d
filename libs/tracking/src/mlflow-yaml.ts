/**
 * The YAML of MLflow's FileStore `meta.yaml` files, byte for byte as PyYAML's `safe_dump(default_flow_style=False,
 * allow_unicode=True, sort_keys=True)` writes it: keys sorted, a scalar plain unless it would read back as another
 * type or contains indicators, then single-quoted, then double-quoted; long scalars folded at spaces past
 * column 80. The reader reads what that writer (ours or MLflow's) produced: one level of nesting, flow `[]`/`{}`.
 */

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlValue[] | { [key: string]: YamlValue };

const BEST_WIDTH = 80;
const INDENT = 2;
const BREAKS = '\n\x85\u2028\u2029';

// PyYAML's implicit resolvers (yaml/resolver.py): a plain scalar matching one of them is not a string.
const IMPLICIT: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

interface Analysis {
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

/** PyYAML's Emitter.analyze_scalar, block context, allow_unicode. */
function analyze(s: string): Analysis {
  if (s === '') return { allowBlockPlain: false, allowSingleQuoted: true };
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const ws = (c: string | undefined) => c === undefined || '\0 \t\r\n\x85\u2028\u2029'.includes(c);
  const chars = [...s];
  let precededByWs = true;
  let followedByWs = chars.length === 1 || ws(chars[1]);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) {
      const printable = (code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code < 0x10ffff)) && code !== 0xfeff;
      if (!printable) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = ws(ch);
    followedByWs = i + 2 >= chars.length || ws(chars[i + 2]);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { allowBlockPlain, allowSingleQuoted };
}

/** Writes a scalar after `key: ` at `column`, folding like PyYAML's write_plain / write_single_quoted. */
class Writer {
  out = '';
  column = 0;

  write(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  indent(level: number): void {
    this.out += '\n' + ' '.repeat(level);
    this.column = level;
  }

  plain(text: string, indent: number): void {
    this.write(' ');
    const chars = [...text];
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH) this.indent(indent);
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  singleQuoted(text: string, indent: number): void {
    this.write(" '");
    const chars = [...text];
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && start !== 0 && end !== chars.length) this.indent(indent);
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.out += '\n';
          for (const br of chars.slice(start, end)) this.out += br;
          // PyYAML's write_indent after a line break: only the indentation, no further break.
          this.out += ' '.repeat(indent);
          this.column = indent;
          start = end;
        }
      } else if (ch === undefined || ch === "'" || ' \n\x85\u2028\u2029'.includes(ch)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.write("'");
  }

  doubleQuoted(text: string): void {
    const ESC: Record<string, string> = { '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P' };
    let s = ' "';
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (ESC[ch] !== undefined) s += `\\${ESC[ch]}`;
      else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) || code >= 0x10000) s += ch;
      else if (code <= 0xff) s += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
      else s += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    this.write(`${s}"`);
  }

  scalar(value: YamlScalar, indent: number): void {
    if (value === null) return this.write(' null');
    if (typeof value === 'boolean') return this.write(value ? ' true' : ' false');
    if (typeof value === 'number') return this.write(` ${Number.isInteger(value) ? String(value) : value}`);
    const a = analyze(value);
    const resolvesToString = !IMPLICIT.some((re) => re.test(value));
    if (resolvesToString && a.allowBlockPlain) return this.plain(value, indent);
    if (a.allowSingleQuoted) return this.singleQuoted(value, indent);
    return this.doubleQuoted(value);
  }
}

function sortedKeys(obj: Record<string, unknown>): string[] {
  // Python sorts str keys by code point; JS's default sort compares UTF-16 units, equal for the BMP.
  return Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `meta.yaml` text for a mapping (values: scalars, one nested mapping level, or empty lists). */
export function dumpMetaYaml(data: Record<string, YamlValue>): string {
  const w = new Writer();
  const mapping = (obj: Record<string, YamlValue>, level: number) => {
    for (const key of sortedKeys(obj)) {
      const v = obj[key];
      w.write(' '.repeat(level));
      w.write(`${key}:`);
      if (Array.isArray(v)) {
        if (v.length > 0) throw new Error('dumpMetaYaml: non-empty lists are not used by MLflow meta files');
        w.write(' []');
      } else if (v !== null && typeof v === 'object') {
        if (Object.keys(v).length === 0) w.write(' {}');
        else {
          w.out += '\n';
          w.column = 0;
          mapping(v, level + INDENT);
          continue;
        }
      } else {
        w.scalar(v, level + INDENT);
      }
      w.out += '\n';
      w.column = 0;
    }
  };
  mapping(data, 0);
  return w.out;
}

function parseScalar(raw: string): YamlScalar {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.startsWith('"')) return JSON.parse(raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1'));
  if (/^(?:~|null|Null|NULL|)$/.test(raw)) return null;
  if (/^(?:true|True|TRUE)$/.test(raw)) return true;
  if (/^(?:false|False|FALSE)$/.test(raw)) return false;
  if (/^[-+]?(?:0|[1-9][0-9]*)$/.test(raw)) return Number(raw);
  if (/^[-+]?(?:[0-9][0-9]*)\.[0-9]*(?:[eE][-+][0-9]+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** Whether a quoted scalar's text (from its opening quote) is complete: an unescaped closing quote ends it. */
function quotedClosed(s: string): boolean {
  const q = s[0];
  for (let k = 1; k < s.length; k++) {
    if (q === '"' && s[k] === '\\') {
      k++;
      continue;
    }
    if (s[k] !== q) continue;
    if (q === "'" && s[k + 1] === "'") {
      k++;
      continue;
    }
    return k === s.length - 1;
  }
  return false;
}

/** Joins folded continuation lines as YAML does: a single line break between words becomes a space. */
function unfold(lines: string[]): string {
  let out = lines[0];
  let blank = 0;
  for (const line of lines.slice(1)) {
    const t = line.trim();
    if (t === '') {
      blank++;
      continue;
    }
    out += blank > 0 ? '\n'.repeat(blank) + t : ' ' + t;
    blank = 0;
  }
  return out;
}

/** Reads a meta.yaml written by MLflow (or by dumpMetaYaml). */
export function parseMetaYaml(text: string): Record<string, YamlValue> {
  const lines = text.split('\n');
  const root: Record<string, YamlValue> = {};
  let nested: Record<string, YamlValue> | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const m = /^(\s*)([^:]+?):(?: (.*))?$/.exec(line);
    if (!m) throw new Error(`unreadable meta.yaml line ${i + 1}: ${line}`);
    const key = m[2];
    let raw = m[3] ?? '';
    // Continuation lines of a folded scalar are indented deeper than the key and are not `key:` lines.
    const parts = [raw];
    let j = i + 1;
    const quoted = raw.startsWith("'") || raw.startsWith('"');
    const closed = () => quotedClosed(parts.join(' '));
    while (j < lines.length && (quoted ? !closed() : /^\s+\S/.test(lines[j]) && lines[j].length - lines[j].trimStart().length > indent && !/^\s*[^\s:'"]+:(?: |$)/.test(lines[j]))) {
      parts.push(lines[j]);
      j++;
    }
    raw = unfold(parts).trim();
    const target = indent > 0 && nested ? nested : root;
    if (indent === 0) nested = undefined;
    if (raw === '') {
      const obj: Record<string, YamlValue> = {};
      target[key] = obj;
      nested = obj;
    } else if (raw === '[]') target[key] = [];
    else if (raw === '{}') target[key] = {};
    else target[key] = parseScalar(raw);
    i = j;
  }
  return root;
}
