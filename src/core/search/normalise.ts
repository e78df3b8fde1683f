/**
 * How search reads French text (DESIGN.md §4 "Search"): one scanner splits text into words and
 * folds each word to its search form (lowercase, accents and other combining marks removed,
 * compatibility forms such as the PDF ligature "ﬁ" decomposed by NFKD, œ → oe, æ → ae,
 * ß → ss). The index, the query and the highlighter all go through it, so a word that was
 * indexed is a word that can be found and a word that matched is a word that can be marked.
 *
 * Words are runs of letters and digits: "11502-2" gives "11502" and "2", "5,4 mmol/L" gives "5",
 * "4", "mmol", "l", and "HbA1c" stays one word. An elided article or pronoun ("l'", "d'",
 * "qu'", with ' or ’) is dropped: "l'hémoglobine" gives "hemoglobine". A soft hyphen, which PDF
 * text extraction leaves inside words, does not split them.
 *
 * What must stay true: changing any rule here changes what an existing index holds, so the
 * index format version in document-index.ts is bumped with it (a stored index then reads as
 * unreadable and is rebuilt from the documents).
 */

/** Query words shorter than this match whole words only, so "a" does not expand to half the index. */
export const MIN_PREFIX_LENGTH = 2;

/** Longer "words" (base64 blobs, hashes in PDF text) are not indexed: they are never searched and would bloat the index. */
export const MAX_WORD_LENGTH = 64;

/** Elided forms dropped before an apostrophe: "l'examen" is about "examen". */
const ELIDED = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);

const SOFT_HYPHEN = 0xad;
const isApostrophe = (codePoint: number): boolean =>
  codePoint === 0x27 /* ' */ || codePoint === 0x2019 /* ’ */ || codePoint === 0x2bc /* ʼ, a letter in Unicode */ || codePoint === 0x2018; /* ‘ */

const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ς: 'σ' };
const COMBINING_MARKS = /\p{M}/gu;
const LIGATURE_CHARS = /[œæßς]/g;
const ALL_WORD_CHARS = /^[\p{L}\p{N}]+$/u;

/** The search form of one code point, whatever kind of character it is. */
function foldCodePoint(char: string): string {
  return char.normalize('NFKD').toLowerCase().replace(COMBINING_MARKS, '').replace(LIGATURE_CHARS, (c) => LIGATURES[c] ?? c);
}

/**
 * What one code point contributes to a word: its folded letters or digits, '' for a character
 * that belongs to the word but adds nothing (a combining mark, a soft hyphen), or null for a
 * separator. Cached, since a text repeats the same few hundred characters; the cache is a pure
 * function's memo, bounded so that a text of every Unicode character cannot grow it for ever.
 */
const contributions = new Map<number, string | null>();
const MAX_CACHED_CODE_POINTS = 65_536;

function contribution(codePoint: number): string | null {
  const cached = contributions.get(codePoint);
  if (cached !== undefined) return cached;
  const char = String.fromCodePoint(codePoint);
  let result: string | null;
  if (isApostrophe(codePoint)) result = null;
  else if (codePoint === SOFT_HYPHEN || /^\p{M}$/u.test(char)) result = '';
  else {
    const folded = foldCodePoint(char);
    result = ALL_WORD_CHARS.test(folded) ? folded : null;
  }
  if (contributions.size < MAX_CACHED_CODE_POINTS) contributions.set(codePoint, result);
  return result;
}

/** ASCII, the bulk of any text, without a Map lookup: lowercase letter or digit, else null. */
const ASCII: readonly (string | null)[] = Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code);
  return /[A-Za-z0-9]/.test(char) ? char.toLowerCase() : null;
});

/**
 * Calls `visit` with each word of `text` (its search form and its span [start, end) in `text`,
 * including any trailing combining marks) until `visit` returns false. Elided articles and words
 * longer than MAX_WORD_LENGTH are skipped.
 */
export function forEachWord(text: string, visit: (word: string, start: number, end: number) => boolean | void): void {
  let start = -1; // start of the word being read, or -1 between words
  let word = '';
  let i = 0;
  const length = text.length;
  while (i <= length) {
    let part: string | null = null;
    let width = 1;
    if (i < length) {
      const code = text.charCodeAt(i);
      if (code < 128) part = ASCII[code] ?? null;
      else {
        const codePoint = text.codePointAt(i) as number;
        width = codePoint > 0xffff ? 2 : 1;
        part = contribution(codePoint);
      }
    }
    if (part !== null) {
      // A mark or soft hyphen with no word before it starts nothing.
      if (start === -1 && part !== '') start = i;
      if (start !== -1) word += part;
      i += width;
      continue;
    }
    if (start !== -1) {
      if (word.length <= MAX_WORD_LENGTH && !(ELIDED.has(word) && isElision(text, i))) {
        if (visit(word, start, i) === false) return;
      }
      start = -1;
      word = '';
    }
    i += width;
  }
}

/** True when an apostrophe at `i` joins the word before it to a word after it. */
function isElision(text: string, i: number): boolean {
  const apostrophe = text.codePointAt(i);
  if (apostrophe === undefined || !isApostrophe(apostrophe)) return false;
  const next = text.codePointAt(i + 1);
  if (next === undefined) return false;
  const part = next < 128 ? ASCII[next] : contribution(next);
  return part !== null && part !== undefined && part !== '';
}

/** The search form of a word: lowercase, no accents, ligatures spelled out. Does not split. */
export function normaliseTerm(word: string): string {
  let out = '';
  for (const char of word) {
    const code = char.codePointAt(0) as number;
    out += code < 128 ? char.toLowerCase() : code === SOFT_HYPHEN ? '' : foldCodePoint(char);
  }
  return out;
}

/** The search forms of the words of `text`, in order, repeats kept. */
export function tokenise(text: string): string[] {
  const words: string[] = [];
  forEachWord(text, (word) => {
    words.push(word);
  });
  return words;
}

/** Query terms in search form, each once, in the order given. */
function queryTerms(terms: readonly string[]): string[] {
  return [...new Set(terms.flatMap((term) => tokenise(term)))];
}

/** Whether the word `word` matches the query term `term`: as a prefix, or whole when the term is very short. */
export function wordMatches(word: string, term: string): boolean {
  return term.length >= MIN_PREFIX_LENGTH ? word.startsWith(term) : word === term;
}

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The spans of `text` to mark for `terms`: for each word that starts with a term (or equals a
 * term shorter than MIN_PREFIX_LENGTH), the part of the original text that spells the longest
 * such term. Offsets are UTF-16 indices into `text` as given (NFC or NFD), a span never ends
 * inside a character, its combining marks or a ligature, and spans come in text order.
 * Terms may be given raw ("Glycémie") or in search form.
 */
export function highlightRanges(text: string, terms: readonly string[]): TextRange[] {
  const wanted = queryTerms(terms).sort((a, b) => b.length - a.length);
  const ranges: TextRange[] = [];
  if (wanted.length === 0) return ranges;
  forEachWord(text, (word, start, end) => {
    const term = wanted.find((candidate) => wordMatches(word, candidate));
    if (term !== undefined) ranges.push({ start, end: term.length === word.length ? end : originalEnd(text, start, end, term.length) });
  });
  return ranges;
}

/**
 * Where, in `text`, the first `foldedLength` characters of the search form of the word at
 * [start, end) end: after the character that produced the last of them, and after the marks
 * that follow it (so "é" written e + U+0301 is marked whole, and "cœ" is marked for "co").
 */
function originalEnd(text: string, start: number, end: number, foldedLength: number): number {
  let produced = 0;
  let i = start;
  while (i < end && produced < foldedLength) {
    const codePoint = text.codePointAt(i) as number;
    produced += (codePoint < 128 ? ASCII[codePoint] : contribution(codePoint))?.length ?? 0;
    i += codePoint > 0xffff ? 2 : 1;
  }
  while (i < end) {
    const codePoint = text.codePointAt(i) as number;
    if (codePoint < 128 || contribution(codePoint) !== '') break;
    i += codePoint > 0xffff ? 2 : 1;
  }
  return i;
}

export const SNIPPET_RADIUS = 60;
const ELLIPSIS = '…';
const WHITESPACE = /\s+/gu;

/**
 * A short excerpt of `text` around the first word that matches `terms`, with about `radius`
 * characters on each side, cut at spaces, whitespace collapsed, and "…" where it was cut. With
 * no match it is the beginning of the text. Scanning stops at the first match, so a 1 MB text
 * costs only as much as the words before it.
 */
export function snippetAround(text: string, terms: readonly string[], radius = SNIPPET_RADIUS): string {
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer: ${radius}`);
  const found = firstMatch(text, queryTerms(terms));
  const from = found === null ? 0 : cutBefore(text, found.start - radius, found.start);
  const to = found === null ? cutAfter(text, 2 * radius, 0) : cutAfter(text, found.end + radius, found.end);
  const excerpt = text.slice(from, to).replace(WHITESPACE, ' ').trim();
  return (from > 0 ? ELLIPSIS : '') + excerpt + (to < text.length ? ELLIPSIS : '');
}

function firstMatch(text: string, terms: readonly string[]): TextRange | null {
  let found: { start: number; end: number } | undefined;
  if (terms.length > 0) {
    forEachWord(text, (word, start, end) => {
      if (!terms.some((term) => wordMatches(word, term))) return true;
      found = { start, end };
      return false;
    });
  }
  return found ?? null;
}

/** A start in [index, limit] that does not split a word or a character: after the first space, if any. */
function cutBefore(text: string, index: number, limit: number): number {
  if (index <= 0) return 0;
  const space = text.slice(index, limit).search(/\s/u);
  return space === -1 ? safeBoundary(text, index) : index + space + 1;
}

/** An end in [limit, index] that does not split a word or a character: at the last space, if any. */
function cutAfter(text: string, index: number, limit: number): number {
  if (index >= text.length) return text.length;
  const window = text.slice(limit, index + 1);
  let space = -1;
  for (let i = window.length - 1; i >= 0 && space === -1; i--) if (/\s/u.test(window[i] as string)) space = i;
  return space === -1 ? safeBoundary(text, index) : limit + space;
}

/** `index`, moved back so that it does not separate a surrogate pair or a character from its marks. */
function safeBoundary(text: string, index: number): number {
  let i = index;
  while (i > 0) {
    const code = text.charCodeAt(i);
    const isLowSurrogate = code >= 0xdc00 && code <= 0xdfff;
    const isMark = code >= 128 && contribution(text.codePointAt(i) as number) === '';
    if (!isLowSurrogate && !isMark) break;
    i -= 1;
  }
  return i;
}
