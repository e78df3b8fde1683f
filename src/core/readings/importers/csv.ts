/**
 * A small CSV reader for the exports patients bring (RFC 4180, and what spreadsheets and vendors
 * actually write): `,` `;` or tab, fields in double quotes with `""` for a quote, a UTF-8 BOM,
 * and any run of `\r` before `\n` as a line end (Dexcom Clarity writes `\r\r\n`). A lone `\r`
 * never ends a row, and blank lines are skipped.
 *
 * Each row reports the 1-based line it starts on, counted as a text editor counts them (by
 * `\n`), so that "line 4,212" in the preview is the line the patient finds in their file.
 *
 * What must stay true: a broken row (an unclosed quote, text after a closing quote) is marked
 * `broken` and never swallows the rows after it: the reader resumes on the next line. Fields are
 * cut out of the text only when asked for, so a year of CGM (100,000 rows of 19 fields) costs
 * one pass over the characters and a few slices per row.
 */

export const CSV_SEPARATORS = [',', ';', '\t'] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

export interface CsvCursor {
  /** 1-based line the current row starts on. */
  readonly line: number;
  readonly fieldCount: number;
  /** An unclosed quote or text after a closing quote: the fields may be wrong. */
  readonly broken: boolean;
  /** Moves to the next row; false at the end. */
  next(): boolean;
  /** A field of the current row, unquoted; '' past the last one. */
  field(index: number): string;
  /** Whether a field equals `value`, without cutting it out of the text. */
  fieldEquals(index: number, value: string): boolean;
  /** The text the rows are read from, for reading a field where it lies (start, end). */
  readonly text: string;
  /**
   * Where a field lies in `text`, quotes excluded ([0, 0) past the last one). A quoted field
   * with doubled quotes still holds them there: fine for numbers and times, which have none.
   */
  start(index: number): number;
  end(index: number): number;
  /** Whether every field of the current row is empty (a row of separators only). */
  isEmpty(): boolean;
  /** The current row as written, for a skip's detail. */
  rowText(): string;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const DOUBLED_QUOTES = /""/g;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

class Cursor implements CsvCursor {
  line = 0;
  fieldCount = 0;
  broken = false;
  private pos: number;
  private lineAtPos = 1;
  private rowStart = 0;
  private rowEnd = 0;
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);
  /** 0 unquoted, 1 quoted, 2 quoted with doubled quotes inside. */
  private quoting = new Uint8Array(32);
  private readonly separatorText: string;
  /**
   * The next separator and line feed at or after where they were last looked for (the text's
   * length when there is none). A row without quotes is cut in one pass over its line
   * (readUnquoted); in a row with quotes, an unquoted field ends at the nearer of the two, each
   * found once by indexOf.
   */
  private nextSeparator = -1;
  private nextLf = -1;

  constructor(
    readonly text: string,
    private readonly separator: number,
  ) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.separatorText = String.fromCharCode(separator);
  }

  /** Where the unquoted field starting at `pos` ends: the next separator or line feed. */
  private fieldEnd(pos: number): number {
    if (this.nextSeparator < pos) {
      const found = this.text.indexOf(this.separatorText, pos);
      this.nextSeparator = found === -1 ? this.text.length : found;
    }
    const lf = this.lineFeedFrom(pos);
    return this.nextSeparator < lf ? this.nextSeparator : lf;
  }

  /** The next line feed at or after `pos`, or the text's length. */
  private lineFeedFrom(pos: number): number {
    if (this.nextLf < pos) {
      const found = this.text.indexOf('\n', pos);
      this.nextLf = found === -1 ? this.text.length : found;
    }
    return this.nextLf;
  }

  next(): boolean {
    const text = this.text;
    const length = text.length;
    let pos = this.pos;
    // Blank lines (nothing, or only \r) are not rows.
    for (;;) {
      let probe = pos;
      while (probe < length && text.charCodeAt(probe) === CR) probe++;
      if (probe >= length) {
        this.pos = length;
        return false;
      }
      if (text.charCodeAt(probe) !== LF) break;
      pos = probe + 1;
      this.lineAtPos++;
    }
    this.line = this.lineAtPos;
    this.broken = false;
    this.rowStart = pos;
    if (this.readUnquoted(pos)) return true;
    let count = 0;
    for (;;) {
      if (count === this.starts.length) this.grow();
      if (pos < length && text.charCodeAt(pos) === QUOTE) {
        const open = pos;
        let doubled = false;
        let close = -1;
        let search = open + 1;
        for (;;) {
          const quote = text.indexOf('"', search);
          if (quote === -1) break;
          if (text.charCodeAt(quote + 1) === QUOTE) {
            doubled = true;
            search = quote + 2;
            continue;
          }
          close = quote;
          break;
        }
        if (close === -1) {
          // Unclosed: the rest of this line is the field, the row is broken, reading resumes below.
          const end = lineEnd(text, open);
          this.starts[count] = open + 1;
          this.ends[count] = trimCr(text, open + 1, end);
          this.quoting[count] = doubled ? 2 : 1;
          count++;
          this.broken = true;
          this.rowEnd = end;
          pos = end < length ? end + 1 : length;
          if (end < length) this.lineAtPos++;
          break;
        }
        this.lineAtPos += countLf(text, open + 1, close);
        this.starts[count] = open + 1;
        this.ends[count] = close;
        this.quoting[count] = doubled ? 2 : 1;
        count++;
        pos = close + 1;
        if (pos < length && text.charCodeAt(pos) === this.separator) {
          pos++;
          continue;
        }
        let probe = pos;
        while (probe < length && text.charCodeAt(probe) === CR) probe++;
        if (probe < length && text.charCodeAt(probe) !== LF) {
          // Text after the closing quote: keep what was quoted, skip to the next field.
          this.broken = true;
          while (probe < length) {
            const code = text.charCodeAt(probe);
            if (code === this.separator || code === LF) break;
            probe++;
          }
          if (probe < length && text.charCodeAt(probe) === this.separator) {
            pos = probe + 1;
            continue;
          }
        }
        this.rowEnd = probe;
        if (probe < length) {
          this.lineAtPos++;
          pos = probe + 1;
        } else {
          pos = length;
        }
        break;
      }
      const end = this.fieldEnd(pos);
      this.starts[count] = pos;
      this.quoting[count] = 0;
      if (end < length && text.charCodeAt(end) === this.separator) {
        this.ends[count] = end;
        count++;
        pos = end + 1;
        continue;
      }
      this.ends[count] = trimCr(text, pos, end);
      count++;
      this.rowEnd = this.ends[count - 1] as number;
      if (end < length) this.lineAtPos++;
      pos = end < length ? end + 1 : length;
      break;
    }
    this.fieldCount = count;
    this.pos = pos;
    return true;
  }

  /**
   * The row at `pos` when its line holds no double quote (almost every row of an export): each
   * field ends at the next separator, the last at the line feed, found in one pass over the line.
   * False when a quote is met: the general reader then reads the row again from its start.
   */
  private readUnquoted(pos: number): boolean {
    const text = this.text;
    const length = text.length;
    const end = this.lineFeedFrom(pos);
    const separator = this.separator;
    let count = 0;
    let start = pos;
    for (let at = pos; at < end; at++) {
      const code = text.charCodeAt(at);
      if (code === separator) {
        if (count === this.starts.length) this.grow();
        this.starts[count] = start;
        this.ends[count] = at;
        this.quoting[count] = 0;
        count++;
        start = at + 1;
      } else if (code === QUOTE) return false;
    }
    if (count === this.starts.length) this.grow();
    const last = trimCr(text, start, end);
    this.starts[count] = start;
    this.ends[count] = last;
    this.quoting[count] = 0;
    this.fieldCount = count + 1;
    this.rowEnd = last;
    if (end < length) this.lineAtPos++;
    this.pos = end < length ? end + 1 : length;
    return true;
  }

  field(index: number): string {
    if (index < 0 || index >= this.fieldCount) return '';
    const value = this.text.slice(this.starts[index], this.ends[index]);
    return this.quoting[index] === 2 ? value.replace(DOUBLED_QUOTES, '"') : value;
  }

  start(index: number): number {
    return index < 0 || index >= this.fieldCount ? 0 : (this.starts[index] as number);
  }

  end(index: number): number {
    return index < 0 || index >= this.fieldCount ? 0 : (this.ends[index] as number);
  }

  fieldEquals(index: number, value: string): boolean {
    if (index < 0 || index >= this.fieldCount) return value === '';
    if (this.quoting[index] === 2) return this.field(index) === value;
    const start = this.starts[index] as number;
    return (this.ends[index] as number) - start === value.length && this.text.startsWith(value, start);
  }

  isEmpty(): boolean {
    for (let index = 0; index < this.fieldCount; index++) if ((this.ends[index] as number) > (this.starts[index] as number)) return false;
    return true;
  }

  rowText(): string {
    return this.text.slice(this.rowStart, trimCr(this.text, this.rowStart, this.rowEnd));
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const quoting = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    quoting.set(this.quoting);
    this.starts = starts;
    this.ends = ends;
    this.quoting = quoting;
  }
}

/** Position of the `\n` ending the line that holds `from`, or the text's length. */
function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

/** `end` moved back over the `\r`s just before it. */
function trimCr(text: string, start: number, end: number): number {
  while (end > start && text.charCodeAt(end - 1) === CR) end--;
  return end;
}

function countLf(text: string, start: number, end: number): number {
  let count = 0;
  for (let at = start; at < end; at++) if (text.charCodeAt(at) === LF) count++;
  return count;
}

export function createCsvCursor(text: string, separator: CsvSeparator): CsvCursor {
  return new Cursor(text, separator.charCodeAt(0));
}

export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
  readonly broken: boolean;
}

/** Every row at once, for small files and tests; importers walk a cursor instead. */
export function readCsvRows(text: string, separator: CsvSeparator, maxRows = Number.POSITIVE_INFINITY): CsvRow[] {
  const cursor = createCsvCursor(text, separator);
  const rows: CsvRow[] = [];
  while (rows.length < maxRows && cursor.next()) {
    const fields: string[] = [];
    for (let index = 0; index < cursor.fieldCount; index++) fields.push(cursor.field(index));
    rows.push({ line: cursor.line, fields, broken: cursor.broken });
  }
  return rows;
}

/** How many lines detectSeparator looks at: headers and a preamble fit well within. */
const SNIFF_LINES = 20;

/**
 * The separator of a file, from its first lines: the candidate that splits the most of them into
 * the same number of fields (quoted text does not count). The count has to agree across lines
 * because a `;` file may carry decimal commas ("5,6") on its data lines but not on its header.
 * Ties go to `,`, then `;`, then tab; a file with none of them is one column, read with `,`.
 */
export function detectSeparator(text: string): CsvSeparator {
  const counts: number[][] = CSV_SEPARATORS.map(() => []);
  let inQuotes = false;
  let current = [0, 0, 0];
  let lines = 0;
  let blank = true;
  for (let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; pos <= text.length && lines < SNIFF_LINES; pos++) {
    const code = pos < text.length ? text.charCodeAt(pos) : LF;
    if (code === QUOTE) inQuotes = !inQuotes;
    if (inQuotes && pos < text.length) continue;
    if (code === LF) {
      if (!blank) {
        current.forEach((count, index) => counts[index]?.push(count));
        lines++;
      }
      current = [0, 0, 0];
      blank = true;
      inQuotes = false;
      continue;
    }
    if (code !== CR) blank = false;
    const index = code === 0x2c ? 0 : code === 0x3b ? 1 : code === 0x09 ? 2 : -1;
    if (index >= 0) current[index] = (current[index] as number) + 1;
  }
  let best: { separator: CsvSeparator; lines: number; fields: number } = { separator: ',', lines: 0, fields: 0 };
  CSV_SEPARATORS.forEach((separator, index) => {
    const { value, frequency } = modeOf((counts[index] ?? []).filter((count) => count > 0));
    if (frequency > best.lines || (frequency === best.lines && frequency > 0 && value > best.fields)) best = { separator, lines: frequency, fields: value };
  });
  return best.separator;
}

function modeOf(values: readonly number[]): { value: number; frequency: number } {
  const frequencies = new Map<number, number>();
  let best = { value: 0, frequency: 0 };
  for (const value of values) {
    const frequency = (frequencies.get(value) ?? 0) + 1;
    frequencies.set(value, frequency);
    if (frequency > best.frequency || (frequency === best.frequency && value > best.value)) best = { value, frequency };
  }
  return best;
}
