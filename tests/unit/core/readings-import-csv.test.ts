/**
 * The CSV reader under what exports and spreadsheets actually write: the three separators,
 * quotes, a BOM, `\r\n` and Dexcom's `\r\r\n`, blank lines, a lone `\r`, line numbers as an editor
 * counts them, broken rows that must not swallow the rest, and a round-trip property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCsvCursor, CSV_SEPARATORS, detectSeparator, readCsvRows, type CsvSeparator } from '../../../src/core/readings/importers/csv.ts';

const rows = (text: string, separator: CsvSeparator = ',') => readCsvRows(text, separator).map((row) => [row.line, ...row.fields]);

describe('csv rows', () => {
  it('splits on the separator and unquotes fields with doubled quotes', () => {
    expect(rows('a,b,c\n1,"x,y","say ""hi"""\n')).toEqual([
      [1, 'a', 'b', 'c'],
      [2, '1', 'x,y', 'say "hi"'],
    ]);
    expect(rows('a;b\n"5,6";7', ';')).toEqual([
      [1, 'a', 'b'],
      [2, '5,6', '7'],
    ]);
    expect(rows('a\tb\n1\t2', '\t')).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ]);
  });

  it('keeps empty fields, leading, trailing and quoted', () => {
    expect(rows(',a,,\n"",""""')).toEqual([
      [1, '', 'a', '', ''],
      [2, '', '"'],
    ]);
  });

  it('drops a UTF-8 BOM', () => {
    expect(rows('\uFEFF"Date","Weight (kg)"\n')).toEqual([[1, 'Date', 'Weight (kg)']]);
  });

  it('ends rows at \\n after any run of \\r, and never at a lone \\r', () => {
    expect(rows('a,b\r\n1,2\r\r\n3,4\r\r\r\n')).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
    expect(rows('a,b\rc\n1,2')).toEqual([
      [1, 'a', 'b\rc'],
      [2, '1', '2'],
    ]);
    expect(rows('"a\r",b\r\n')).toEqual([[1, 'a\r', 'b']]);
  });

  it('skips blank lines but counts them, as an editor numbers lines', () => {
    expect(rows('\n\na,b\n\r\n\r\r\n1,2\n\n')).toEqual([
      [3, 'a', 'b'],
      [6, '1', '2'],
    ]);
  });

  it('gives a row the line it starts on when a quoted field spans lines', () => {
    expect(rows('a,b\n1,"two\nlines"\n3,"x"\n')).toEqual([
      [1, 'a', 'b'],
      [2, '1', 'two\nlines'],
      [4, '3', 'x'],
    ]);
  });

  it('marks a row with an unclosed quote broken and reads on from the next line', () => {
    const read = readCsvRows('a,b\n1,"open\n2,3\n', ',');
    expect(read.map((row) => [row.line, row.broken, ...row.fields])).toEqual([
      [1, false, 'a', 'b'],
      [2, true, '1', 'open'],
      [3, false, '2', '3'],
    ]);
    // A file cut inside its last quoted value (a truncated download).
    const cut = readCsvRows('"1";"2026-01-01T00:04:45";"EG', ';');
    expect(cut.map((row) => [row.line, row.broken, ...row.fields])).toEqual([[1, true, '1', '2026-01-01T00:04:45', 'EG']]);
  });

  it('marks text after a closing quote broken', () => {
    const read = readCsvRows('"ab"c,d\n1,2', ',');
    expect(read.map((row) => [row.line, row.broken, ...row.fields])).toEqual([
      [1, true, 'ab', 'd'],
      [2, false, '1', '2'],
    ]);
  });

  it('answers fieldEquals, isEmpty and rowText without surprises', () => {
    const cursor = createCsvCursor(',,\r\n"FreeStyle ""3""",x\r\n', ',');
    expect(cursor.next()).toBe(true);
    expect(cursor.isEmpty()).toBe(true);
    expect(cursor.next()).toBe(true);
    expect([cursor.fieldEquals(0, 'FreeStyle "3"'), cursor.fieldEquals(1, 'x'), cursor.fieldEquals(1, 'xy'), cursor.fieldEquals(5, ''), cursor.field(5)]).toEqual([true, true, false, true, '']);
    expect(cursor.rowText()).toBe('"FreeStyle ""3""",x');
    expect(cursor.next()).toBe(false);
  });

  it('says where each field lies in the text, quotes excluded, and [0, 0) past the last one', () => {
    const text = 'a,"b,c",  d \r\n"e ""f""",\r\n';
    const cursor = createCsvCursor(text, ',');
    const spans = () => Array.from({ length: cursor.fieldCount + 1 }, (_, index) => text.slice(cursor.start(index), cursor.end(index)));
    expect(cursor.next()).toBe(true);
    expect(spans()).toEqual(['a', 'b,c', '  d ', '']);
    expect([cursor.start(3), cursor.end(3), cursor.start(-1), cursor.end(-1)]).toEqual([0, 0, 0, 0]);
    expect(cursor.next()).toBe(true);
    // Doubled quotes stay doubled in the text: field() is what unescapes them.
    expect(spans()).toEqual(['e ""f""', '', '']);
    expect(cursor.text).toBe(text);
  });

  it('reads rows without quotes and rows with them the same way, whatever comes first', () => {
    // Rows without a quote are cut in one pass over the line; a quote anywhere sends the row to
    // the general reader, for which a quote inside a bare field is just a character.
    const text = 'a;b\r\r\nab"c;d\n;\r;\nx;"y;z"\nlast;\n\t;one\ttwo\n';
    expect(readCsvRows(text, ';').map((row) => [row.line, row.fields, row.broken])).toEqual([
      [1, ['a', 'b'], false],
      [2, ['ab"c', 'd'], false],
      [3, ['', '\r', ''], false],
      [4, ['x', 'y;z'], false],
      [5, ['last', ''], false],
      [6, ['\t', 'one\ttwo'], false],
    ]);
    expect(readCsvRows('one\ttwo\t\r\nthree\t"fo\tur"', '\t').map((row) => row.fields)).toEqual([
      ['one', 'two', ''],
      ['three', 'fo\tur'],
    ]);
  });

  it('grows past 32 fields', () => {
    const wide = Array.from({ length: 100 }, (_, index) => `f${index}`);
    expect(readCsvRows(wide.join(','), ',')[0]?.fields).toEqual(wide);
  });
});

describe('separator detection', () => {
  it('picks the separator that splits lines evenly, ignoring quoted text', () => {
    expect(detectSeparator('a,b,c\n1,2,3')).toBe(',');
    expect(detectSeparator('"Index";"Zeitstempel (JJJJ-MM-TTThh:mm:ss)";"Ereignisart"\r\r\n"1";"";"Vorname"')).toBe(';');
    expect(detectSeparator('a\tb\n1\t2')).toBe('\t');
    expect(detectSeparator('"a,b";c;d\n"1,5";2;3')).toBe(';');
  });

  it('is not fooled by decimal commas on the data lines of a ; file', () => {
    expect(detectSeparator('Date;Glucose\n01/01/2025 08:00;5,6\n01/01/2025 08:05;5,7\n')).toBe(';');
  });

  it('reads a file with no separator as one column', () => {
    expect(detectSeparator('just text\nmore text')).toBe(',');
  });
});

describe('csv properties', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', ';', '\t', '"', '\n', '\r', '0', '.') });
  const table = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

  it('gives back every quoted field as written, whatever the separator and line end', () => {
    fc.assert(
      fc.property(table, fc.constantFrom(...CSV_SEPARATORS), fc.constantFrom('\n', '\r\n', '\r\r\n'), fc.boolean(), (data, separator, eol, bom) => {
        const text = (bom ? '\uFEFF' : '') + data.map((row) => row.map(quote).join(separator)).join(eol) + eol;
        const read = readCsvRows(text, separator);
        expect(read.map((row) => row.fields)).toEqual(data);
        expect(read.every((row) => !row.broken)).toBe(true);
        // Each row starts on the line after the previous row's last line.
        let line = 1;
        data.forEach((row, index) => {
          expect(read[index]?.line).toBe(line);
          line += row.join('').split('\n').length;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads unquoted fields without separators, quotes or line breaks as they are', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '-', ':', '.') });
    fc.assert(
      fc.property(fc.array(fc.array(plain, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (data) => {
        const text = data.map((row) => row.join(',')).join('\n');
        expect(readCsvRows(text, ',').map((row) => row.fields)).toEqual(data);
      }),
    );
  });

  it('reads quoted and bare fields mixed in one row, whatever the quoted ones hold', () => {
    // A bare field holds no separator, quote or line break; a quoted one may hold all of them.
    const cell = fc.oneof(fc.record({ quoted: fc.constant(true), value: field }), fc.record({ quoted: fc.constant(false), value: fc.string({ unit: fc.constantFrom('a', '1', ' ', '.') }) }));
    const mixed = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(mixed, fc.constantFrom(...CSV_SEPARATORS), fc.constantFrom('\n', '\r\n'), (data, separator, eol) => {
        // A row of one empty bare field is a blank line, which is skipped.
        const kept = data.filter((row) => row.length > 1 || row[0]?.quoted === true || row[0]?.value !== '');
        const text = kept.map((row) => row.map((item) => (item.quoted ? quote(item.value) : item.value)).join(separator)).join(eol) + eol;
        expect(readCsvRows(text, separator).map((row) => row.fields)).toEqual(kept.map((row) => row.map((item) => item.value)));
      }),
      { numRuns: 500 },
    );
  });
});
