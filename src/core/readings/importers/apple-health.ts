/**
 * Apple Health's export.xml (the "Export All Health Data" archive of the Health app, unzipped as
 * `apple_health_export/export.xml`), read as a stream: bytes are pushed in with feed() and only a
 * bounded tail is ever kept, so an export of 500 MB or more never sits in memory.
 *
 * Layout (tests/fixtures/PROVENANCE.md, apple-health/): a DOCTYPE with an internal DTD subset, then
 * `<HealthData locale=…>` holding `<ExportDate>`, `<Me>`, and one element per sample, mostly
 * `<Record type="HK…" sourceName=… sourceVersion=… device=… unit=… creationDate=… startDate=…
 * endDate=… value=…>` with optional `<MetadataEntry key=… value=…/>` children, plus `<Workout>`,
 * `<ActivitySummary>`, `<Correlation>` and others. Dates are `YYYY-MM-DD HH:MM:SS +HHMM`.
 *
 * Kept: HKQuantityTypeIdentifierBodyMass (kg, lb) and HKQuantityTypeIdentifierBloodGlucose (mg/dL,
 * mmol/L, and HealthKit's own `mmol<180.1558800000541>/L`, millimoles of glucose by its molar mass).
 * Every other top-level element is counted in `ignored` by its `type` (or its name when it has
 * none). Records inside a `<Correlation>` are not counted again: the DTD says they also appear at
 * the top level.
 *
 * What must stay true:
 * - No entity is ever expanded. The DOCTYPE is skipped as a whole without reading its
 *   declarations, and attribute values know only XML's five predefined entities and character
 *   references; any other reference (`&foo;`) in a value the importer reads refuses that record.
 *   So a billion-laughs or external-entity DOCTYPE costs nothing but its own bytes.
 * - Memory: the readings and the rows skipped among the two kept types grow with the file; every
 *   other state is bounded (one pending construct of at most MAX_CONSTRUCT bytes, an element
 *   stack of MAX_DEPTH names, at most MAX_IGNORED_NAMES counters).
 * - `SkippedRow.line` is the record's ordinal: the n-th `<Record>` element of the file (1-based),
 *   not a line number, which would cost a pass over every byte to count.
 * - A file that ends before `</HealthData>`, or whose markup breaks midway, keeps the readings read
 *   so far but says so (`incomplete`) and adds a `malformed` skipped row, so the shared preview
 *   asks the patient before anything is stored.
 */
import type { ParsedReadings, SkippedRow } from '../parsed.ts';
import { MGDL_PER_MMOLL, type ReadingBound, type SeriesId, type UnitLabel } from '../series.ts';
import { err, ok, type Result } from '../../result.ts';
import { fromUtf8, utf8 } from '../../bytes.ts';
import { createCollector, createSourceCache, parseDecimal, shorten, sourceText } from './collect.ts';
import { isValidLocalTime, naiveUtc } from './zoned-time.ts';

/** Longest single tag, comment or DOCTYPE accepted (real records are under 1 KB, the DTD ~15 KB). */
export const MAX_CONSTRUCT = 1024 * 1024;
/** Bytes before `<HealthData` after which the file is declared not an export. */
const MAX_PROLOG = 4 * MAX_CONSTRUCT;
const MAX_DEPTH = 64;
const MAX_ATTRIBUTES = 256;
const MAX_RECENT_TYPES = 32;

/**
 * Where the markup breaks, as data: the import screen words it in the patient's language. Element
 * names are the file's own (shortened), never Carnet's words.
 */
export type MarkupProblem =
  | { readonly kind: 'too-deep'; readonly limit: number }
  /** `</closing>` where `<open>` was the element open ('' when none was). */
  | { readonly kind: 'crossed'; readonly closing: string; readonly open: string }
  /** `--` inside a comment. */
  | { readonly kind: 'comment' }
  /** A `<!…>` declaration after the document started. */
  | { readonly kind: 'declaration' }
  /** A `<` that starts no tag. */
  | { readonly kind: 'stray-lt' }
  | { readonly kind: 'broken-tag'; readonly name: string }
  /** A tag longer than `limit` bytes. */
  | { readonly kind: 'tag-too-long'; readonly limit: number };

/**
 * The markup where reading stopped, as a skipped row's detail: the file's own characters, in no
 * language (the import screen says in words what happened).
 */
export function markupAt(incomplete: AppleHealthIncomplete): string {
  if (incomplete.type === 'Truncated') return '</HealthData>';
  const { problem } = incomplete;
  switch (problem.kind) {
    case 'crossed':
      return `</${problem.closing}>`;
    case 'broken-tag':
      return `<${problem.name}`;
    case 'comment':
      return '--';
    case 'declaration':
      return '<!';
    case 'stray-lt':
      return '<';
    case 'too-deep':
    case 'tag-too-long':
      return '';
  }
}

export type AppleHealthIncomplete =
  /** The file ends before `</HealthData>` (a download or copy cut short). */
  | { readonly type: 'Truncated' }
  /** The markup breaks midway (a tag never closed, elements crossed): read up to there. */
  | { readonly type: 'Malformed'; readonly problem: MarkupProblem };

export interface AppleHealthParsed {
  readonly parsed: ParsedReadings;
  /** null when `</HealthData>` was reached with every tag well formed. */
  readonly incomplete: AppleHealthIncomplete | null;
  /** How many `<Record>` elements were read at the top level. */
  readonly records: number;
}

export type AppleHealthError =
  | { readonly type: 'EmptyFile' }
  /** No `<HealthData>` root: another XML file, a CSV, a picture… */
  | { readonly type: 'NotAppleHealth' }
  /** An export, but with no weight or glucose reading that could be kept. */
  | {
      readonly type: 'NoReadings';
      readonly skipped: readonly SkippedRow[];
      readonly ignored: Readonly<Record<string, number>>;
      readonly incomplete: AppleHealthIncomplete | null;
      readonly records: number;
    };

export interface AppleHealthParser {
  /** Reads the next bytes; the chunk is not kept (what is needed of it is copied). */
  feed(chunk: Uint8Array): void;
  /** Set as soon as the file is known not to be an export, so the caller can stop reading. */
  readonly failure: AppleHealthError | null;
  /** `</HealthData>` was read: nothing more is needed. */
  readonly finished: boolean;
  end(): Result<AppleHealthParsed, AppleHealthError>;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DASH = 0x2d;

const HEALTH_DATA = utf8('HealthData');
const RECORD = utf8('Record');
const METADATA_ENTRY = utf8('MetadataEntry');
const TYPE = utf8('type');
const UNIT = utf8('unit');
const VALUE = utf8('value');
const START_DATE = utf8('startDate');
const SOURCE_NAME = utf8('sourceName');
const KEY = utf8('key');
const BODY_MASS = utf8('HKQuantityTypeIdentifierBodyMass');
const BLOOD_GLUCOSE = utf8('HKQuantityTypeIdentifierBloodGlucose');
const DOCTYPE = utf8('!DOCTYPE');
const COMMENT = utf8('!--');
const CDATA = utf8('![CDATA[');

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Ends a name: whitespace, `/`, `>`, `=`. */
function endsName(byte: number): boolean {
  return byte <= 0x20 || byte === SLASH || byte === GT || byte === EQUALS;
}

function equalsAt(buffer: Uint8Array, start: number, end: number, pattern: Uint8Array): boolean {
  if (end - start !== pattern.length) return false;
  for (let index = 0; index < pattern.length; index++) if (buffer[start + index] !== pattern[index]) return false;
  return true;
}

function startsWithAt(buffer: Uint8Array, start: number, end: number, pattern: Uint8Array): boolean {
  return end - start >= pattern.length && equalsAt(buffer, start, start + pattern.length, pattern);
}

/**
 * Index of `byte` in buffer[from, end), or -1. A plain loop: measured here, TypedArray indexOf
 * costs about ten times more per call on the short spans between quotes, and most spans are short.
 */
function findByte(buffer: Uint8Array, byte: number, from: number, end: number): number {
  for (let at = from; at < end; at++) if (buffer[at] === byte) return at;
  return -1;
}

/** Index of `a b` (two bytes in a row) from `from`, or -1. */
function indexOfPair(buffer: Uint8Array, a: number, b: number, from: number): number {
  for (let at = buffer.indexOf(a, from); at !== -1; at = buffer.indexOf(a, at + 1)) if (buffer[at + 1] === b) return at;
  return -1;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * An attribute value with XML's five entities and character references replaced; null when it
 * holds any other reference, which this reader never expands (see the header).
 */
export function decodeAttribute(raw: string): string | null {
  // `<` is never allowed in a value (XML 1.0 §3.1). Checked only in the values read: the tags of
  // ignored records are only walked through, quote to quote, which is what keeps them cheap.
  if (raw.includes('<')) return null;
  if (!raw.includes('&')) return raw.replace(/[\t\n\r]/g, ' ');
  let refused = false;
  const text = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g, (match, name: string | undefined) => {
    if (name === undefined) {
      refused = true;
      return match;
    }
    if (name.startsWith('#')) {
      const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (!(code >= 0x20 || code === 0x9 || code === 0xa || code === 0xd) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        refused = true;
        return match;
      }
      return String.fromCodePoint(code);
    }
    const known = PREDEFINED[name];
    if (known === undefined) refused = true;
    return known ?? match;
  });
  return refused ? null : text.replace(/[\t\n\r]/g, ' ');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})$/;

/** `2019-05-01 08:00:00 +0200` to UTC milliseconds, or NaN. */
export function parseAppleDate(text: string): number {
  const match = DATE.exec(text.trim());
  if (match === null) return Number.NaN;
  const [year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.slice(1).map(Number) as number[];
  if (!isValidLocalTime(year as number, month as number, day as number, hour as number, minute as number, second as number)) return Number.NaN;
  if ((offsetHours as number) > 14 || (offsetMinutes as number) > 59) return Number.NaN;
  const offset = ((offsetHours as number) * 60 + (offsetMinutes as number)) * 60_000 * (match[7] === '-' ? -1 : 1);
  return naiveUtc(year as number, month as number, day as number, hour as number, minute as number, second as number) - offset;
}

/** HealthKit's glucose molar mass (g/mol) in `mmol<…>/L`; a unit naming another substance is refused. */
const GLUCOSE_MOLAR_MASS = 180.15588;
const ANNOTATED_MMOL = /^mmol<(\d{1,4}(?:\.\d{1,20})?)>\/L$/;

/** The unit Carnet stores for a HealthKit unit string, or null when it is not one it knows. */
export function appleUnit(series: SeriesId, unit: string): UnitLabel | null {
  if (series === 'weight') return unit === 'kg' ? 'kg' : unit === 'lb' ? 'lb' : null;
  if (unit === 'mg/dL') return 'mg/dL';
  if (unit === 'mmol/L') return 'mmol/L';
  const match = ANNOTATED_MMOL.exec(unit);
  // 18.016 mg/dL per mmol/L (series.ts) is 180.16 g/mol: HealthKit's 180.15588 is the same glucose.
  return match !== null && Math.abs(Number(match[1]) - GLUCOSE_MOLAR_MASS) < 0.01 && Math.abs(Number(match[1]) / 10 - MGDL_PER_MMOLL) < 0.01 ? 'mmol/L' : null;
}

interface PendingRecord {
  readonly series: SeriesId;
  readonly ordinal: number;
  readonly type: string;
  readonly unit: string | null;
  readonly value: string | null;
  readonly start: string | null;
  readonly sourceName: string | null;
  bound: ReadingBound;
}

/** A streaming reader of export.xml. See the module header for what it keeps and refuses. */
export function createAppleHealthParser(): AppleHealthParser {
  const collector = createCollector('apple-health');
  const sourceOf = createSourceCache('apple-health');
  /** Bytes carried over from the previous chunk (an unfinished construct), then the new chunk. */
  let work = new Uint8Array(0);
  let carried = 0;
  let consumed = 0;
  let sawBytes = false;
  let rootOpen = false;
  let finished = false;
  let failure: AppleHealthError | null = null;
  let incomplete: AppleHealthIncomplete | null = null;
  /** Names of the open elements, as bytes (the common ones shared, never copied). */
  const stack: Uint8Array[] = [];
  let records = 0;
  let pending: PendingRecord | null = null;
  /**
   * The ignored `type`s seen lately, as bytes, with their counts not yet in `ignored`: a record's
   * type is compared, not decoded, so a file of millions of records costs no string per record.
   */
  const recentTypes: Uint8Array[] = [];
  const recentNames: string[] = [];
  const recentCounts: number[] = [];
  // Attribute spans of the tag being read: name start, name end, value start, value end.
  const spans = new Int32Array(MAX_ATTRIBUTES * 4);
  let attributeCount = 0;
  let selfClosing = false;

  function flushRecentTypes(): void {
    recentNames.forEach((name, index) => collector.ignore(name, recentCounts[index]));
    recentTypes.length = recentNames.length = recentCounts.length = 0;
  }

  /** Counts an ignored record by its type, given as buffer[start, end). */
  function countType(buffer: Uint8Array, start: number, end: number): void {
    for (let index = 0; index < recentTypes.length; index++) {
      const known = recentTypes[index] as Uint8Array;
      if (known.length !== end - start) continue;
      // From the end: identifiers share their long prefix (HKQuantityTypeIdentifier…).
      let at = known.length - 1;
      while (at >= 0 && known[at] === buffer[start + at]) at--;
      if (at < 0) {
        recentCounts[index] = (recentCounts[index] as number) + 1;
        return;
      }
    }
    if (recentTypes.length === MAX_RECENT_TYPES) flushRecentTypes();
    const bytes = buffer.slice(start, end);
    recentTypes.push(bytes);
    recentNames.push(shorten(decodeAttribute(fromUtf8(bytes)) ?? '(unreadable type)', 60));
    recentCounts.push(1);
  }

  function stop(problem: AppleHealthIncomplete): void {
    if (incomplete === null) incomplete = problem;
    finished = true;
  }

  /**
   * Walks over the rest of a start tag from `from`, quote to quote, without reading its
   * attributes: the tags of what is ignored (most of a file) cost one pass and nothing else.
   * Returns the index just past the tag, -1 when the buffer ends first, -2 at a stray `<`.
   */
  function skipTag(buffer: Uint8Array, from: number, end: number): number {
    for (let at = from; at < end; at++) {
      const byte = buffer[at] as number;
      if (byte === GT) {
        selfClosing = buffer[at - 1] === SLASH;
        return at + 1;
      }
      if (byte === QUOTE || byte === APOSTROPHE) {
        const close = findByte(buffer, byte, at + 1, end);
        if (close === -1) return -1;
        at = close;
      } else if (byte === LT) return -2;
    }
    return -1;
  }

  /**
   * Reads the attributes of a start tag whose name ends at `from`, up to its `>` (with
   * `untilType`, up to its `type` attribute only, then skipTag). Returns the index just past the
   * tag, -1 when the buffer ends first, -2 when the tag is not well formed.
   */
  function scanTag(buffer: Uint8Array, from: number, end: number, untilType: boolean): number {
    attributeCount = 0;
    let at = from;
    for (;;) {
      while (at < end && isSpace(buffer[at] as number)) at++;
      if (at >= end) return -1;
      const byte = buffer[at] as number;
      if (byte === GT) {
        selfClosing = false;
        return at + 1;
      }
      if (byte === SLASH) {
        if (at + 1 >= end) return -1;
        if (buffer[at + 1] !== GT) return -2;
        selfClosing = true;
        return at + 2;
      }
      if (at === from) return -2; // attributes are separated from the name by whitespace
      const nameStart = at;
      while (at < end && !endsName(buffer[at] as number)) at++;
      const nameEnd = at;
      while (at < end && isSpace(buffer[at] as number)) at++;
      if (at >= end) return -1;
      if (buffer[at] !== EQUALS || nameEnd === nameStart) return -2;
      at++;
      while (at < end && isSpace(buffer[at] as number)) at++;
      if (at >= end) return -1;
      const quote = buffer[at] as number;
      if (quote !== QUOTE && quote !== APOSTROPHE) return -2;
      const close = findByte(buffer, quote, at + 1, end);
      if (close === -1) return -1;
      if (attributeCount === MAX_ATTRIBUTES) return -2;
      const slot = attributeCount++ * 4;
      spans[slot] = nameStart;
      spans[slot + 1] = nameEnd;
      spans[slot + 2] = at + 1;
      spans[slot + 3] = close;
      at = close + 1;
      // The next byte must end the tag or separate another attribute.
      if (at < end && !isSpace(buffer[at] as number) && buffer[at] !== SLASH && buffer[at] !== GT) return -2;
      if (untilType && equalsAt(buffer, nameStart, nameEnd, TYPE)) return skipTag(buffer, at, end);
    }
  }

  function attribute(buffer: Uint8Array, name: Uint8Array): number {
    for (let index = 0; index < attributeCount; index++) if (equalsAt(buffer, spans[index * 4] as number, spans[index * 4 + 1] as number, name)) return index;
    return -1;
  }

  function rawValue(buffer: Uint8Array, index: number): string | null {
    return index < 0 ? null : fromUtf8(buffer.subarray(spans[index * 4 + 2] as number, spans[index * 4 + 3] as number));
  }

  function valueOf(buffer: Uint8Array, name: Uint8Array): string | null {
    return rawValue(buffer, attribute(buffer, name));
  }

  function finishRecord(record: PendingRecord): void {
    const { ordinal } = record;
    const written = [record.type, record.unit, record.value, record.start, record.sourceName];
    const decoded = written.map((text) => (text === null ? '' : decodeAttribute(text)));
    // The offending attribute as written: an entity reference that is not expanded (`&foo;`).
    const undecoded = decoded.indexOf(null);
    if (undecoded >= 0) return collector.skip(ordinal, 'malformed', `${record.type}: ${written[undecoded] ?? ''}`);
    const [, unitText, valueText, startText, sourceName] = decoded as string[];
    const unit = appleUnit(record.series, unitText as string);
    // As written: an empty or missing unit shows as unit="", never as words of ours.
    if (unit === null) return collector.skip(ordinal, 'unknown-unit', `${record.type}: unit="${unitText}"`);
    const time = parseAppleDate(startText as string);
    if (Number.isNaN(time)) return collector.skip(ordinal, 'bad-time', startText as string);
    const value = parseDecimal(valueText as string);
    if (Number.isNaN(value)) return collector.skip(ordinal, 'bad-value', `${valueText} ${unitText}`);
    // A scale reading is a spot measurement; a glucose sample in Health is a meter's (or typed-in)
    // blood value: no documented metadata key marks a sensor's samples.
    const kind = record.series === 'weight' ? 'manual' : 'blood';
    collector.add(record.series, { time, value, unit, kind, bound: record.bound, source: sourceOf(sourceText(sourceName), null) }, ordinal, false);
  }

  /** A start tag at depth 1 (a child of HealthData), read up to its type; it ends at `tagEnd`. */
  function topLevel(buffer: Uint8Array, nameStart: number, nameEnd: number, tagEnd: number): void {
    const isRecord = equalsAt(buffer, nameStart, nameEnd, RECORD);
    if (isRecord) records++;
    const typeIndex = attribute(buffer, TYPE);
    if (isRecord && typeIndex >= 0) {
      const start = spans[typeIndex * 4 + 2] as number;
      const end = spans[typeIndex * 4 + 3] as number;
      const series: SeriesId | null = equalsAt(buffer, start, end, BODY_MASS) ? 'weight' : equalsAt(buffer, start, end, BLOOD_GLUCOSE) ? 'glucose' : null;
      if (series !== null) {
        // A kept record (about one in a hundred): every attribute is read now.
        scanTag(buffer, nameEnd, tagEnd, false);
        pending = {
          series,
          ordinal: records,
          type: series === 'weight' ? 'BodyMass' : 'BloodGlucose',
          unit: valueOf(buffer, UNIT),
          value: valueOf(buffer, VALUE),
          start: valueOf(buffer, START_DATE),
          sourceName: valueOf(buffer, SOURCE_NAME),
          bound: null,
        };
        return;
      }
      countType(buffer, start, end);
      return;
    }
    const name = typeIndex >= 0 ? decodeAttribute(rawValue(buffer, typeIndex) ?? '') : fromUtf8(buffer.subarray(nameStart, nameEnd));
    if (name === 'ExportDate' || name === 'Me') return;
    collector.ignore(name ?? '(unreadable type)');
  }

  function metadata(buffer: Uint8Array): void {
    if (pending === null) return;
    const key = valueOf(buffer, KEY);
    const value = valueOf(buffer, VALUE)?.trim();
    // HKMetadataKeyQuantityClampedToLower/UpperBound: the true value is beyond the one written.
    if (value === '1' && key === 'HKQuantityClampedToLowerBound') pending.bound = 'below';
    if (value === '1' && key === 'HKQuantityClampedToUpperBound') pending.bound = 'above';
  }

  function startTag(buffer: Uint8Array, nameStart: number, nameEnd: number, tagEnd: number): void {
    const depth = stack.length;
    if (!rootOpen) {
      if (!equalsAt(buffer, nameStart, nameEnd, HEALTH_DATA)) {
        failure = { type: 'NotAppleHealth' };
        return;
      }
      rootOpen = true;
    } else if (depth === 1) topLevel(buffer, nameStart, nameEnd, tagEnd);
    else if (depth === 2 && pending !== null && equalsAt(buffer, nameStart, nameEnd, METADATA_ENTRY)) metadata(buffer);
    if (selfClosing) {
      if (depth === 1 && pending !== null) closeRecord();
      if (depth === 0) finished = true; // `<HealthData/>`: an empty export
      return;
    }
    if (depth >= MAX_DEPTH) return stop({ type: 'Malformed', problem: { kind: 'too-deep', limit: MAX_DEPTH } });
    stack.push(equalsAt(buffer, nameStart, nameEnd, RECORD) ? RECORD : depth === 0 ? HEALTH_DATA : buffer.slice(nameStart, nameEnd));
  }

  function closeRecord(): void {
    const record = pending;
    pending = null;
    if (record !== null) finishRecord(record);
  }

  function endTag(buffer: Uint8Array, nameStart: number, nameEnd: number): void {
    const open = stack.pop();
    if (open === undefined || !equalsAt(buffer, nameStart, nameEnd, open)) {
      return stop({ type: 'Malformed', problem: { kind: 'crossed', closing: shorten(fromUtf8(buffer.subarray(nameStart, nameEnd)), 40), open: open === undefined ? '' : fromUtf8(open) } });
    }
    if (stack.length === 1 && pending !== null) closeRecord();
    if (stack.length === 0) finished = true;
  }

  /** Skips `<!DOCTYPE … [ … ]>` without reading it. Index past its `>`, or -1 for more bytes. */
  function skipDoctype(buffer: Uint8Array, from: number, end: number): number {
    let inSubset = false;
    for (let at = from; at < end; at++) {
      const byte = buffer[at] as number;
      if (byte === QUOTE || byte === APOSTROPHE) {
        const close = buffer.indexOf(byte, at + 1);
        if (close === -1 || close >= end) return -1;
        at = close;
      } else if (byte === LT && inSubset && buffer[at + 1] === BANG && buffer[at + 2] === DASH && buffer[at + 3] === DASH) {
        const close = indexOfPair(buffer, DASH, DASH, at + 4);
        if (close === -1 || close + 2 >= end) return -1;
        at = close + 2;
      } else if (byte === LT && inSubset && buffer[at + 1] === QUESTION) {
        const close = indexOfPair(buffer, QUESTION, GT, at + 2);
        if (close === -1 || close + 1 >= end) return -1;
        at = close + 1;
      } else if (byte === OPEN_BRACKET) inSubset = true;
      else if (byte === CLOSE_BRACKET) inSubset = false;
      else if (byte === GT && !inSubset) return at + 1;
    }
    return -1;
  }

  /** Text between tags: nothing in an export but whitespace; before the root, anything else is not one. */
  function skipText(buffer: Uint8Array, from: number, end: number): void {
    if (rootOpen) return;
    for (let at = from; at < end; at++) {
      const byte = buffer[at] as number;
      if (isSpace(byte)) continue;
      // A UTF-8 byte-order mark at the very start.
      if (consumed + at === 0 && byte === 0xef && buffer[at + 1] === 0xbb && buffer[at + 2] === 0xbf) {
        at += 2;
        continue;
      }
      failure = { type: 'NotAppleHealth' };
      return;
    }
  }

  /** Reads complete constructs of buffer[0, end); returns where the unfinished one starts. */
  function parse(buffer: Uint8Array, end: number): number {
    let at = 0;
    // A byte-order mark's first bytes alone cannot be judged yet.
    if (!rootOpen && consumed === 0 && end < 3 && buffer[0] === 0xef) return 0;
    while (at < end && failure === null && !finished) {
      const lt = findByte(buffer, LT, at, end);
      if (lt === -1 || lt >= end) {
        skipText(buffer, at, end);
        return end;
      }
      if (lt > at) {
        skipText(buffer, at, lt);
        if (failure !== null) break;
      }
      at = lt;
      if (at + 1 >= end) return at;
      const next = buffer[at + 1] as number;
      if (next === SLASH) {
        const gt = findByte(buffer, GT, at + 2, end);
        if (gt === -1) return at;
        let nameEnd = gt;
        while (nameEnd > at + 2 && isSpace(buffer[nameEnd - 1] as number)) nameEnd--;
        endTag(buffer, at + 2, nameEnd);
        at = gt + 1;
      } else if (next === QUESTION) {
        const close = indexOfPair(buffer, QUESTION, GT, at + 2);
        if (close === -1 || close + 1 >= end) return at;
        at = close + 2;
      } else if (next === BANG) {
        if (startsWithAt(buffer, at + 1, end, COMMENT)) {
          const close = indexOfPair(buffer, DASH, DASH, at + 4);
          if (close === -1 || close + 2 >= end) return at;
          if (buffer[close + 2] !== GT) {
            stop({ type: 'Malformed', problem: { kind: 'comment' } });
            break;
          }
          at = close + 3;
        } else if (startsWithAt(buffer, at + 1, end, CDATA)) {
          const close = indexOfPair(buffer, CLOSE_BRACKET, CLOSE_BRACKET, at + 9);
          if (close === -1 || close + 2 >= end) return at;
          at = close + 3;
        } else if (startsWithAt(buffer, at + 1, end, DOCTYPE) && !rootOpen) {
          const past = skipDoctype(buffer, at + 9, end);
          if (past === -1) return at;
          at = past;
        } else if (end - at < 10) return at;
        else if (!rootOpen) failure = { type: 'NotAppleHealth' };
        else stop({ type: 'Malformed', problem: { kind: 'declaration' } });
      } else {
        let nameEnd = at + 1;
        while (nameEnd < end && !endsName(buffer[nameEnd] as number)) nameEnd++;
        if (nameEnd >= end) return at;
        if (nameEnd === at + 1) {
          if (!rootOpen) failure = { type: 'NotAppleHealth' };
          else stop({ type: 'Malformed', problem: { kind: 'stray-lt' } });
          break;
        }
        // Attributes are read only where something is kept: the root, a top-level element's type,
        // the children of a kept record. Everything else is walked over.
        const depth = stack.length;
        const past = !rootOpen || (depth === 2 && pending !== null) ? scanTag(buffer, nameEnd, end, false) : depth === 1 ? scanTag(buffer, nameEnd, end, true) : skipTag(buffer, nameEnd, end);
        if (past === -1) return at;
        if (past === -2) {
          if (!rootOpen) failure = { type: 'NotAppleHealth' };
          else stop({ type: 'Malformed', problem: { kind: 'broken-tag', name: shorten(fromUtf8(buffer.subarray(at + 1, nameEnd)), 40) } });
          break;
        }
        startTag(buffer, at + 1, nameEnd, past);
        at = past;
      }
    }
    return at;
  }

  function feed(chunk: Uint8Array): void {
    if (chunk.length === 0 || failure !== null || finished) return;
    sawBytes = true;
    let buffer: Uint8Array;
    let end: number;
    const inWork = carried > 0;
    if (!inWork) {
      buffer = chunk;
      end = chunk.length;
    } else {
      if (work.length < carried + chunk.length) {
        const grown = new Uint8Array(Math.max(carried + chunk.length, work.length * 2));
        grown.set(work.subarray(0, carried));
        work = grown;
      }
      work.set(chunk, carried);
      end = carried + chunk.length;
      buffer = work.subarray(0, end);
    }
    const at = parse(buffer, end);
    const left = end - at;
    if (failure === null && !finished) {
      if (left > MAX_CONSTRUCT) {
        if (!rootOpen) failure = { type: 'NotAppleHealth' };
        else stop({ type: 'Malformed', problem: { kind: 'tag-too-long', limit: MAX_CONSTRUCT } });
      } else if (!rootOpen && consumed + at > MAX_PROLOG) failure = { type: 'NotAppleHealth' };
    }
    consumed += at;
    if (failure !== null || finished || left === 0) {
      carried = 0;
      return;
    }
    if (inWork) work.copyWithin(0, at, end);
    else {
      if (work.length < left) work = new Uint8Array(Math.max(left, 64 * 1024));
      work.set(chunk.subarray(at));
    }
    carried = left;
  }

  function finish(): Result<AppleHealthParsed, AppleHealthError> {
    if (failure !== null) return err(failure);
    if (!sawBytes) return err({ type: 'EmptyFile' });
    if (!rootOpen) return err({ type: 'NotAppleHealth' });
    if (!finished) stop({ type: 'Truncated' });
    flushRecentTypes();
    // A record cut short by the end of the file is not guessed at.
    pending = null;
    work = new Uint8Array(0);
    carried = 0;
    if (incomplete !== null) {
      collector.skip(records + 1, 'malformed', markupAt(incomplete));
    }
    const result = collector.finish();
    if (!result.ok) {
      const failed = result.error;
      if (failed.type !== 'NoReadings') return err({ type: 'NotAppleHealth' });
      return err({ type: 'NoReadings', skipped: failed.skipped, ignored: failed.ignored, incomplete, records });
    }
    return ok({ parsed: result.value, incomplete, records });
  }

  return {
    feed,
    end: finish,
    get failure() {
      return failure;
    },
    get finished() {
      return finished;
    },
  };
}

/** The whole of an export held in memory (tests, small files): feed once, then end. */
export function parseAppleHealthXml(bytes: Uint8Array): Result<AppleHealthParsed, AppleHealthError> {
  const parser = createAppleHealthParser();
  parser.feed(bytes);
  return parser.end();
}
