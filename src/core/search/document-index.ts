/**
 * The full-text index of the patient's documents (DESIGN.md §4 "Search"): titles, notes,
 * sources, tags and the text read out of their files (PDF text, CDA narrative), built in memory
 * after unlock with MiniSearch (https://lucaong.github.io/minisearch/) and saved, sealed by the
 * caller, as versioned JSON.
 *
 * Search semantics, which tests/unit/core/search.test.ts checks against a brute-force scan:
 * - every query word must match (AND); words are compared in search form (normalise.ts), so case,
 *   accents and ligatures never matter;
 * - each query word of MIN_PREFIX_LENGTH letters or more matches as a prefix ("glyc" finds
 *   "Glycémie"); a single letter or digit matches whole words only ("hépatite b");
 * - misspellings are a fallback: only when the query finds nothing is it tried again with each
 *   word of 5 letters or more (letters only: codes and numbers stay exact) also matching words
 *   one edit away ("hemoglobne" finds "hémoglobine"). A fallback, because a word that exists
 *   must not bring its neighbours along ("coeur" finding "sœur"); one edit, never two, because
 *   two would let "hypertension" find "hypotension" in a vault that holds only the latter;
 * - best first: BM25 per field, a title match weighing most, then tags and source, then the
 *   note, then the text. Equal scores are ordered by id, so results are reproducible.
 *
 * What must stay true: the index stores no document text (no stored fields), only terms, counts
 * and ids; only the first MAX_FIELD_CHARS characters of a field are indexed, so a 1 MB PDF text
 * cannot freeze the tab; a saved index whose format or rules differ reads as
 * `SearchIndexUnreadable`, never as a throw or a silently wrong index, and the caller rebuilds.
 */
import MiniSearch, { type AsPlainObject, type Options, type SearchResult } from 'minisearch';
import { err, ok, type Result } from '../result.ts';
import { MIN_PREFIX_LENGTH, snippetAround, tokenise, wordMatches } from './normalise.ts';

export { highlightRanges, MIN_PREFIX_LENGTH, normaliseTerm, snippetAround, tokenise, type TextRange } from './normalise.ts';

export interface SearchableDocument {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly source: string;
  readonly tags: readonly string[];
  /** PDF text or CDA narrative; may be about 1 MB, of which the first MAX_FIELD_CHARS are indexed. */
  readonly text: string;
}

export const SEARCH_FIELDS = ['title', 'note', 'source', 'tags', 'text'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  /** What to highlight: the query words that matched, in search form, and the document words a misspelt query word was matched to. */
  readonly terms: readonly string[];
  /** The fields that matched, in SEARCH_FIELDS order. */
  readonly fields: readonly SearchField[];
}

export interface SearchOptions {
  /** At most this many hits, best first (default: all). */
  readonly limit?: number;
}

export interface DocumentIndex {
  /** Indexes `doc`, replacing the document with the same id if there is one. */
  add(doc: SearchableDocument): void;
  /** Forgets the document; nothing happens for an id not in the index. */
  remove(id: string): void;
  has(id: string): boolean;
  search(query: string, options?: SearchOptions): SearchHit[];
  /** An excerpt of `text` around its first word that matches `terms` (see snippetAround). */
  snippet(text: string, terms: readonly string[], radius?: number): string;
  /** Versioned JSON, for the caller to seal. */
  serialise(): string;
  readonly size: number;
}

export type SearchIndexUnreadable = { readonly type: 'SearchIndexUnreadable' };

/** Only this much of each field is indexed: a 1 MB text would otherwise take a second or more to add. */
export const MAX_FIELD_CHARS = 200_000;

/**
 * The saved form: { format, version, miniSearch }. Bump the version whenever the fields, the
 * boosts' meaning, MAX_FIELD_CHARS or any rule in normalise.ts change: an older index then reads
 * as unreadable and is rebuilt, instead of answering with the old rules.
 */
export const SEARCH_INDEX_FORMAT = 'carnet-search-index';
export const SEARCH_INDEX_VERSION = 1;
/** The MiniSearch JSON layout this module reads (MiniSearch's own `serializationVersion`). */
const MINISEARCH_SERIALIZATION_VERSION = 2;

/** Field weights: a title that says "glycémie" says more than one mention in a 40-page report. */
const BOOST: Readonly<Record<SearchField, number>> = { title: 4, tags: 2, source: 2, note: 1.5, text: 1 };

/** Misspellings are forgiven (when nothing else is found) in words this long or longer, by one edit. */
export const FUZZY_MIN_LENGTH = 5;
const LETTERS_ONLY = /^\p{L}+$/u;

/** The edit distance a query word may be matched within (0: exact or prefix only). */
export function fuzzyDistance(term: string): 0 | 1 {
  return term.length >= FUZZY_MIN_LENGTH && LETTERS_ONLY.test(term) ? 1 : 0;
}

type Indexed = Readonly<Record<'id' | SearchField, string>>;

function toIndexed(doc: SearchableDocument): Indexed {
  const cap = (value: string) => (value.length > MAX_FIELD_CHARS ? value.slice(0, MAX_FIELD_CHARS) : value);
  return { id: doc.id, title: cap(doc.title), note: cap(doc.note), source: cap(doc.source), tags: cap(doc.tags.join('\n')), text: cap(doc.text) };
}

const miniSearchOptions: Options<Indexed> = {
  fields: [...SEARCH_FIELDS],
  storeFields: [],
  // Text arrives already split and folded by tokenise, so terms need no further processing.
  tokenize: (text: string) => tokenise(text),
  processTerm: (term: string) => term,
  // MiniSearch's automatic vacuum runs in timer-spaced batches; the core has no timers (see wrap).
  autoVacuum: false,
  logger: () => undefined,
};

export function createDocumentIndex(): DocumentIndex {
  return wrap(new MiniSearch<Indexed>(miniSearchOptions));
}

/** Reads what serialise wrote. A different version, a damaged or foreign text gives an error, never a throw. */
export function loadDocumentIndex(json: string): Result<DocumentIndex, SearchIndexUnreadable> {
  const unreadable = err({ type: 'SearchIndexUnreadable' } as const);
  let saved: unknown;
  try {
    saved = JSON.parse(json);
  } catch {
    return unreadable;
  }
  const plain = parseSaved(saved);
  if (plain === null) return unreadable;
  try {
    return ok(wrap(MiniSearch.loadJS<Indexed>(plain, miniSearchOptions)));
  } catch {
    // parseSaved checked every part loadJS reads; this is a last line, not a path we expect.
    return unreadable;
  }
}

function wrap(loaded: MiniSearch<Indexed>): DocumentIndex {
  let mini = loaded;
  /**
   * Removing by id (MiniSearch's discard) leaves the document's postings behind, invisible but
   * still counted in other documents' scores, and search only wears them down one occurrence
   * at a time. So before the index answers or is saved after a removal, it is rebuilt from its
   * own postings without them: one pass, synchronous (MiniSearch's vacuum waits on timers),
   * and scores then equal those of an index built from scratch.
   */
  const clean = (): MiniSearch<Indexed> => {
    if (mini.dirtCount > 0) mini = MiniSearch.loadJS<Indexed>(withoutDiscarded(mini.toJSON()), miniSearchOptions);
    return mini;
  };
  return {
    add(doc) {
      if (mini.has(doc.id)) mini.discard(doc.id);
      mini.add(toIndexed(doc));
    },
    remove(id) {
      if (mini.has(id)) mini.discard(id);
    },
    has: (id) => mini.has(id),
    search: (query, options = {}) => search(clean(), query, options),
    snippet: (text, terms, radius) => snippetAround(text, terms, radius),
    serialise: () => JSON.stringify({ format: SEARCH_INDEX_FORMAT, version: SEARCH_INDEX_VERSION, miniSearch: clean().toJSON() }),
    get size() {
      return mini.documentCount;
    },
  };
}

function search(mini: MiniSearch<Indexed>, query: string, options: SearchOptions): SearchHit[] {
  const limit = options.limit;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`limit must be a non-negative integer: ${limit}`);
  const terms = [...new Set(tokenise(query))];
  if (terms.length === 0 || limit === 0) return [];
  const strict = searchTerms(mini, terms, false);
  const results = strict.length > 0 || !terms.some((term) => fuzzyDistance(term) > 0) ? strict : searchTerms(mini, terms, true);
  const hits = results.map((result) => toHit(result, terms));
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return limit === undefined ? hits : hits.slice(0, limit);
}

function searchTerms(mini: MiniSearch<Indexed>, terms: readonly string[], forgiving: boolean): SearchResult[] {
  return mini.search(terms.join(' '), {
    // The query is already in search form: split it back, do not fold it twice.
    tokenize: (joined) => joined.split(' '),
    processTerm: (term) => term,
    combineWith: 'AND',
    prefix: (term) => term.length >= MIN_PREFIX_LENGTH,
    fuzzy: (term) => (forgiving && fuzzyDistance(term)) || false,
    maxFuzzy: 1,
    boost: BOOST,
  });
}

function toHit(result: SearchResult, queryTerms: readonly string[]): SearchHit {
  const fields = new Set<string>();
  const corrected: string[] = [];
  for (const [documentTerm, inFields] of Object.entries(result.match)) {
    for (const field of inFields) fields.add(field);
    // A document word reached by a prefix is highlighted through its query word; one reached
    // only by a fuzzy match must be named itself.
    if (!queryTerms.some((term) => wordMatches(documentTerm, term))) corrected.push(documentTerm);
  }
  return {
    id: result.id as string,
    // Nine significant digits: the same index loaded or rebuilt adds the same numbers in
    // another order, and must rank the same (equal scores then fall back to the id).
    score: Number(result.score.toPrecision(9)),
    terms: [...(result.queryTerms as string[]), ...corrected.sort()],
    fields: SEARCH_FIELDS.filter((field) => fields.has(field)),
  };
}

/** MiniSearch's JSON without the postings of discarded documents (toJSON's objects are fresh copies, edited in place). */
function withoutDiscarded(plain: AsPlainObject): AsPlainObject {
  if ((plain.dirtCount ?? 0) === 0) return plain;
  const live = new Set(Object.keys(plain.documentIds));
  const index: AsPlainObject['index'] = [];
  for (const entry of plain.index) {
    const byField = entry[1] as Record<string, Record<string, number>>;
    for (const fieldId of Object.keys(byField)) {
      const postings = byField[fieldId] as Record<string, number>;
      let kept = 0;
      for (const shortId of Object.keys(postings)) {
        if (live.has(shortId)) kept += 1;
        else delete postings[shortId];
      }
      if (kept === 0) delete byField[fieldId];
    }
    if (Object.keys(byField).length > 0) index.push(entry);
  }
  return { ...plain, index, dirtCount: 0 };
}

// ---------------------------------------------------------------------------------------------
// Reading a saved index. Every part that MiniSearch.loadJS reads, and that search later relies
// on, is checked here: a field length missing for a document would otherwise throw mid-search.

const SHORT_ID = /^(?:0|[1-9]\d{0,14})$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function parseSaved(saved: unknown): AsPlainObject | null {
  if (!isObject(saved) || saved['format'] !== SEARCH_INDEX_FORMAT || saved['version'] !== SEARCH_INDEX_VERSION) return null;
  const plain = saved['miniSearch'];
  if (!isObject(plain) || plain['serializationVersion'] !== MINISEARCH_SERIALIZATION_VERSION) return null;
  const { documentCount, nextId, documentIds, fieldIds, fieldLength, averageFieldLength, storedFields, dirtCount, index } = plain;
  if (!isCount(documentCount) || !isCount(nextId) || !(dirtCount === undefined || isCount(dirtCount))) return null;

  if (!isObject(fieldIds) || Object.keys(fieldIds).length !== SEARCH_FIELDS.length) return null;
  if (!SEARCH_FIELDS.every((field, position) => fieldIds[field] === position)) return null;

  if (!isObject(documentIds) || !isObject(fieldLength) || !isObject(storedFields) || Object.keys(storedFields).length > 0) return null;
  const shortIds = Object.keys(documentIds);
  if (shortIds.length !== documentCount || Object.keys(fieldLength).length !== documentCount) return null;
  const ids = new Set<string>();
  for (const shortId of shortIds) {
    const id = documentIds[shortId];
    if (!SHORT_ID.test(shortId) || Number(shortId) >= nextId || typeof id !== 'string' || ids.has(id)) return null;
    ids.add(id);
    const lengths = fieldLength[shortId];
    if (!Array.isArray(lengths) || lengths.length !== SEARCH_FIELDS.length || !lengths.every(isCount)) return null;
  }
  // Empty before the first document is added, one average per field after.
  if (!Array.isArray(averageFieldLength) || !(averageFieldLength.length === SEARCH_FIELDS.length || (averageFieldLength.length === 0 && documentCount === 0))) return null;
  if (!averageFieldLength.every((value) => typeof value === 'number' && Number.isFinite(value))) return null;

  if (!Array.isArray(index)) return null;
  for (const entry of index) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || entry[0] === '' || !isObject(entry[1])) return null;
    for (const [fieldId, postings] of Object.entries(entry[1])) {
      if (!SHORT_ID.test(fieldId) || Number(fieldId) >= SEARCH_FIELDS.length || !isObject(postings)) return null;
      for (const shortId in postings) {
        const count = postings[shortId];
        if (!SHORT_ID.test(shortId) || !isCount(count) || count === 0) return null;
      }
    }
  }
  return plain as unknown as AsPlainObject;
}
