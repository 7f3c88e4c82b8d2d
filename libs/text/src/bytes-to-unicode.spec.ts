import { BYTE_TO_UNICODE, UNICODE_TO_BYTE, bytesToUnicode, unicodeToText } from './bytes-to-unicode.ts';

describe('GPT-2 byte <-> unicode map', () => {
  it('is a bijection of the 256 bytes onto printable characters', () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(UNICODE_TO_BYTE.size).toBe(256);
    expect(BYTE_TO_UNICODE[0x20]).toBe('Ġ');
    expect(BYTE_TO_UNICODE[0x0a]).toBe('Ċ');
    expect(BYTE_TO_UNICODE[0x41]).toBe('A');
    expect(BYTE_TO_UNICODE[0xa0]).toBe('ł'); // no-break space, the second byte of 'à' in the fixture
    expect(BYTE_TO_UNICODE[0xad]).toBe('Ń'); // soft hyphen, the last remapped byte (256 + 67)
    expect(BYTE_TO_UNICODE.every((c) => !/\s/u.test(c))).toBe(true);
  });

  it('round-trips any text, ASCII or not', () => {
    for (const t of ['hello world\n', 'Café 我 🙂', '\u0000\u007f\u0085']) expect(unicodeToText(bytesToUnicode(t))).toBe(t);
    expect(bytesToUnicode('é')).toBe('Ã©');
  });

  it('keeps a leading byte-order mark, as Python does', () => {
    expect(unicodeToText(bytesToUnicode('\ufeffhi'))).toBe('\ufeffhi');
  });

  it('decodes a cut UTF-8 sequence to U+FFFD', () => {
    expect(unicodeToText(bytesToUnicode('我').slice(0, 2))).toBe('\ufffd');
  });
});
