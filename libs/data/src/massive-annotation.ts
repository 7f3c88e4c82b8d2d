/** Words and their BIO slot tags parsed from a MASSIVE `annot_utt`, e.g. `wake me at [time : five am]`. */
export interface SlotAnnotation {
  tokens: string[];
  tags: string[];
  /** The utterance without the markup (words joined by single spaces). */
  plain: string;
}

/**
 * Parses `[slot : value]` markup into word-level BIO tags. Words are whitespace-separated; a word takes the
 * slot of its first character, so a suffix glued to a slot (`[date : monday]'s`) stays in the word and the
 * tag. Throws an Error with a precise reason on unbalanced or nested brackets or a missing ' : '.
 */
export function parseSlotAnnotation(annot: string): SlotAnnotation {
  const chars: string[] = [];
  const spans: number[] = [];
  const slotOf: string[] = [];
  let i = 0;
  while (i < annot.length) {
    const c = annot[i] as string;
    if (c === ']') throw new Error(`unmatched ']' at character ${i + 1}`);
    if (c !== '[') {
      chars.push(c);
      spans.push(-1);
      i++;
      continue;
    }
    const close = annot.indexOf(']', i + 1);
    if (close < 0) throw new Error(`unclosed '[' at character ${i + 1}`);
    const inner = annot.slice(i + 1, close);
    if (inner.includes('[')) throw new Error(`nested '[' inside the slot at character ${i + 1}`);
    const colon = inner.indexOf(':');
    if (colon < 0) throw new Error(`slot at character ${i + 1} has no ' : ' between name and value`);
    const slot = inner.slice(0, colon).trim();
    const value = inner.slice(colon + 1).trim();
    if (slot === '' || /\s/.test(slot)) throw new Error(`bad slot name ${JSON.stringify(slot)} at character ${i + 1}`);
    if (value === '') throw new Error(`empty value for slot '${slot}' at character ${i + 1}`);
    const span = slotOf.length;
    slotOf.push(slot);
    for (const v of value) {
      chars.push(v);
      spans.push(/\s/.test(v) ? -1 : span);
    }
    i = close + 1;
  }
  const tokens: string[] = [];
  const tags: string[] = [];
  let prevSpan = -1;
  let j = 0;
  while (j < chars.length) {
    if (/\s/.test(chars[j] as string)) {
      j++;
      continue;
    }
    const start = j;
    while (j < chars.length && !/\s/.test(chars[j] as string)) j++;
    tokens.push(chars.slice(start, j).join(''));
    const span = spans[start] as number;
    if (span < 0) tags.push('O');
    else tags.push(`${span === prevSpan ? 'I' : 'B'}-${slotOf[span]}`);
    prevSpan = span;
  }
  return { tokens, tags, plain: tokens.join(' ') };
}

/** The BIO tag set of a list of slot types: 'O', then B- and I- of each type. */
export function bioTags(slotTypes: readonly string[]): string[] {
  return ['O', ...slotTypes.flatMap((s) => [`B-${s}`, `I-${s}`])];
}
