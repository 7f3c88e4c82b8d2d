/**
 * What scikit-learn's `fetch_20newsgroups(remove=...)` strips from a post, with its exact rules, so that
 * scores are comparable with the many papers that use it.
 */
export type NewsgroupsPart = 'headers' | 'footers' | 'quotes';

export const NEWSGROUPS_PARTS: readonly NewsgroupsPart[] = ['headers', 'footers', 'quotes'];

// A line is quoting if it matches this (sklearn's _QUOTE_RE, applied line by line).
const QUOTE_LINE = /(writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)/;

/** Everything after the first blank line (sklearn: `text.partition('\n\n')[2]`). */
export function stripNewsgroupHeader(text: string): string {
  const at = text.indexOf('\n\n');
  return at < 0 ? '' : text.slice(at + 2);
}

/** Drops lines that quote another post. */
export function stripNewsgroupQuoting(text: string): string {
  return text
    .split('\n')
    .filter((line) => !QUOTE_LINE.test(line))
    .join('\n');
}

/** Drops the signature: everything from the last line made only of dashes or blanks (when it is not the first). */
export function stripNewsgroupFooter(text: string): string {
  const lines = text.trim().split('\n');
  let lineNum = lines.length - 1;
  for (; lineNum >= 0; lineNum--) {
    if (pyStrip((lines[lineNum] as string).trim(), '-') === '') break;
  }
  // Python leaves the loop variable at 0 when no line matched, as here after the loop ends at -1.
  if (lineNum < 0) lineNum = 0;
  return lineNum > 0 ? lines.slice(0, lineNum).join('\n') : text;
}

/** Applies the removals in sklearn's order: headers, footers, quotes. */
export function cleanNewsgroupPost(text: string, remove: readonly NewsgroupsPart[]): string {
  let out = text;
  if (remove.includes('headers')) out = stripNewsgroupHeader(out);
  if (remove.includes('footers')) out = stripNewsgroupFooter(out);
  if (remove.includes('quotes')) out = stripNewsgroupQuoting(out);
  return out;
}

/** The 7-way category of a newsgroup: its top-level prefix (comp.graphics -> comp). */
export function newsgroupCategory(group: string): string {
  const dot = group.indexOf('.');
  return dot < 0 ? group : group.slice(0, dot);
}

function pyStrip(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a] as string)) a++;
  while (b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}
