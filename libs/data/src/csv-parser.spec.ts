import { parseCsv } from './csv-parser.ts';

const all = (text: string, delimiter?: string) => [...parseCsv(text, delimiter === undefined ? {} : { delimiter })];

describe('parseCsv (RFC 4180)', () => {
  it('splits fields and records, with or without a final newline', () => {
    expect(all('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
    expect(all('a,b\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('handles CRLF and a lone CR as record ends', () => {
    expect(all('a,b\r\n1,2\r\n3,4\r5,6')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
      { line: 4, fields: ['5', '6'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields; line numbers count them', () => {
    const text = 'id,text\n1,"hello, ""world""\r\nsecond line\nthird"\n2,plain\n';
    expect(all(text)).toEqual([
      { line: 1, fields: ['id', 'text'] },
      { line: 2, fields: ['1', 'hello, "world"\r\nsecond line\nthird'] },
      { line: 5, fields: ['2', 'plain'] },
    ]);
  });

  it('empty fields, an empty quoted field, an unnamed first header and a trailing delimiter', () => {
    expect(all(',a,\n"",,x\n')).toEqual([
      { line: 1, fields: ['', 'a', ''] },
      { line: 2, fields: ['', '', 'x'] },
    ]);
  });

  it('skips blank lines (as pandas does) and a byte-order mark', () => {
    expect(all('\ufeffa\n\n\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('reports a character after a closing quote, a bare quote, and an unclosed quote, and goes on', () => {
    const out = all('1,"ab"c,2\n2,x"y\n3,ok\n4,"never closed\n5,z\n');
    expect(out[0]).toEqual({ line: 1, fields: ['1', 'abc', '2'], error: 'unexpected character "c" after a closing quote in field 2' });
    expect(out[1]).toMatchObject({ line: 2, error: 'a double quote inside the unquoted field 2 (quote the field and double the quote)' });
    expect(out[2]).toEqual({ line: 3, fields: ['3', 'ok'] });
    expect(out[3]).toMatchObject({ line: 4, error: 'quoted field opened on line 4 is never closed' });
  });

  it('TSV with the tab delimiter', () => {
    expect(all('a\tb,c\n', '\t')).toEqual([{ line: 1, fields: ['a', 'b,c'] }]);
  });
});
