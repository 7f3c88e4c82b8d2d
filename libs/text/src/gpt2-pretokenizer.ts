/**
 * GPT-2's pre-tokenizer pattern (used by RoBERTa):
 * 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * The reference runs it with Python's `regex` module, whose `\s` is the Unicode White_Space property;
 * JS `\s` differs (it lacks U+0085 and adds U+FEFF), so the property is spelled out.
 */
const WS = '\\p{White_Space}';
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

/** The pieces of a text, in order; their concatenation is the text. */
export function gpt2PreTokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}
