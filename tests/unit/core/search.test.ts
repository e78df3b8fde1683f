/**
 * The document search index and the text rules under it (src/core/search). The real check is the
 * last suite: on a seeded corpus of 1,000 documents of 2,000 French words, the index must return
 * exactly the documents a brute-force scan of the corpus finds, for each of the benchmark's 20
 * queries. Timings are printed, never asserted (the budget is `npm run bench`'s).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDocumentIndex,
  fuzzyDistance,
  highlightRanges,
  loadDocumentIndex,
  MAX_FIELD_CHARS,
  normaliseTerm,
  SEARCH_FIELDS,
  SEARCH_INDEX_FORMAT,
  SEARCH_INDEX_VERSION,
  tokenise,
  type DocumentIndex,
  type SearchableDocument,
  type SearchField,
  type SearchHit,
} from '../../../src/core/search/document-index.ts';
import { wordMatches } from '../../../src/core/search/normalise.ts';
import { createSeededRandom, FIXED_QUERIES, frenchCorpus } from '../../support/french-corpus.ts';

const doc = (id: string, fields: Partial<Omit<SearchableDocument, 'id'>>): SearchableDocument => ({
  id,
  title: '',
  note: '',
  source: '',
  tags: [],
  text: '',
  ...fields,
});

function indexOf(...docs: SearchableDocument[]): DocumentIndex {
  const index = createDocumentIndex();
  for (const d of docs) index.add(d);
  return index;
}

const ids = (hits: readonly SearchHit[]) => hits.map((hit) => hit.id);
const marked = (text: string, terms: readonly string[]) => highlightRanges(text, terms).map(({ start, end }) => text.slice(start, end));
const unreadable = { ok: false, error: { type: 'SearchIndexUnreadable' } };

describe('normaliseTerm', () => {
  it('folds case, accents and ligatures', () => {
    expect(normaliseTerm('Résultat')).toBe('resultat');
    expect(normaliseTerm('RÉSULTATS')).toBe('resultats');
    expect(normaliseTerm('Œdème')).toBe('oedeme');
    expect(normaliseTerm('cæcum')).toBe('caecum');
    expect(normaliseTerm('Straße')).toBe('strasse');
    expect(normaliseTerm('THYROÏDE')).toBe('thyroide');
    expect(normaliseTerm('ﬁbrose')).toBe('fibrose');
  });

  it('gives the same form for composed (NFC) and decomposed (NFD) text', () => {
    for (const word of ['Hémoglobine', 'glyquée', 'Noël', 'Ça', 'fœtus', 'ÉCHOGRAPHIE']) {
      expect(normaliseTerm(word.normalize('NFD'))).toBe(normaliseTerm(word.normalize('NFC')));
    }
    expect(normaliseTerm('he\u0301moglobine')).toBe('hemoglobine');
  });
});

describe('tokenise', () => {
  it('splits on what is not a letter or a digit, and keeps codes whole between separators', () => {
    expect(tokenise('Hémoglobine glyquée (HbA1c) : 6,5 %')).toEqual(['hemoglobine', 'glyquee', 'hba1c', '6', '5']);
    expect(tokenise('LOINC 11502-2, 120/80 mmHg')).toEqual(['loinc', '11502', '2', '120', '80', 'mmhg']);
    expect(tokenise('anti-inflammatoire\tet\nantalgique')).toEqual(['anti', 'inflammatoire', 'et', 'antalgique']);
    expect(tokenise('')).toEqual([]);
    expect(tokenise(' … — ; ')).toEqual([]);
  });

  it("drops elided articles and pronouns, with either apostrophe, and nothing else", () => {
    expect(tokenise("L'hémoglobine d'un patient qu'il suit")).toEqual(['hemoglobine', 'un', 'patient', 'il', 'suit']);
    expect(tokenise('l’examen jusqu’au soir, s’il')).toEqual(['examen', 'au', 'soir', 'il']);
    expect(tokenise("aujourd'hui")).toEqual(['aujourd', 'hui']);
    // Letters standing alone are words: "vitamine D", "hépatite B".
    expect(tokenise('vitamine D, hépatite B')).toEqual(['vitamine', 'd', 'hepatite', 'b']);
  });

  it('reads decomposed text, PDF ligatures and soft hyphens as the words they spell', () => {
    expect(tokenise('Re\u0301sultat de l’he\u0301moglobine')).toEqual(['resultat', 'de', 'hemoglobine']);
    expect(tokenise('ﬁbrose hémo\u00ADglobine')).toEqual(['fibrose', 'hemoglobine']);
    expect(tokenise('Cœur, SŒUR')).toEqual(['coeur', 'soeur']);
    expect(tokenise('25 µg/L')).toEqual(['25', 'μg', 'l']);
  });

  it('skips runs too long to be words', () => {
    expect(tokenise(`avant ${'A'.repeat(65)} après ${'b'.repeat(64)}`)).toEqual(['avant', 'apres', 'b'.repeat(64)]);
  });
});

describe('highlightRanges', () => {
  it('marks the part of each word that a term is a prefix of', () => {
    expect(marked('Glycémie à jeun, glycémies', ['glyc'])).toEqual(['Glyc', 'glyc']);
    expect(marked('Hémoglobine glyquée', ['hemoglobine', 'glyquee'])).toEqual(['Hémoglobine', 'glyquée']);
    expect(highlightRanges('Glycémie à jeun', ['glyc'])).toEqual([{ start: 0, end: 4 }]);
  });

  it('maps offsets through decomposed characters, keeping a mark with its letter', () => {
    const nfd = 'Bilan : he\u0301moglobine'; // é as e + U+0301: one letter, two code units
    expect(marked(nfd, ['hemo'])).toEqual(['he\u0301mo']);
    expect(marked(nfd, ['he'])).toEqual(['he\u0301']);
    expect(highlightRanges(nfd, ['hemoglobine'])).toEqual([{ start: 8, end: 20 }]);
    const nfc = 'Bilan : hémoglobine';
    expect(highlightRanges(nfc, ['hemoglobine'])).toEqual([{ start: 8, end: 19 }]);
    expect(marked(nfc, ['hemo'])).toEqual(['hémo']);
  });

  it('maps offsets through ligatures and characters outside the BMP', () => {
    expect(marked('Cœur et sœur', ['co'])).toEqual(['Cœ']);
    expect(marked('Cœur et sœur', ['coe'])).toEqual(['Cœ']);
    expect(marked('Cœur et sœur', ['coeu'])).toEqual(['Cœu']);
    expect(marked('ﬁbrose', ['fi'])).toEqual(['ﬁ']);
    expect(marked('ﬁbrose', ['fib'])).toEqual(['ﬁb']);
    expect(marked('Straße 5', ['stras'])).toEqual(['Straß']);
    expect(marked('𝐆lycémie', ['gly'])).toEqual(['𝐆ly']); // 𝐆 is two UTF-16 code units
  });

  it('takes terms raw or folded, prefers the longest, and matches one letter whole', () => {
    expect(marked('Glycémie, glycosurie', ['Glycémie'])).toEqual(['Glycémie']);
    expect(highlightRanges('glycémie', ['gly', 'glycemie'])).toEqual([{ start: 0, end: 8 }]);
    expect(marked('Hépatite B, bilan biologique', ['b'])).toEqual(['B']);
    expect(marked("L'hémoglobine", ['l', 'hemo'])).toEqual(['hémo']);
    expect(highlightRanges('Glycémie', [])).toEqual([]);
    expect(highlightRanges('Glycémie', ['', ' '])).toEqual([]);
  });
});

describe('snippet', () => {
  const index = createDocumentIndex();
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `mot${i}`).join(' ');

  it('cuts around the first hit, at spaces, with ellipses where it cut', () => {
    const text = `${filler(200)} la glycémie à jeun est de 1,26 g/L ${filler(200)}`;
    const excerpt = index.snippet(text, ['glycemie'], 30);
    expect(excerpt).toMatch(/^…mot\d+ .*glycémie à jeun.* mot\d+…$/u);
    expect(excerpt.length).toBeLessThan(2 * 30 + 'glycémie'.length + 4);
  });

  it('collapses whitespace, and does not cut at the start of a text that starts with the hit', () => {
    expect(index.snippet('Glycémie\n\n  à   jeun : 1,26 g/L', ['glyc'])).toBe('Glycémie à jeun : 1,26 g/L');
    expect(index.snippet(`Glycémie ${filler(100)}`, ['glyc'], 20)).toMatch(/^Glycémie mot0 .*…$/u);
  });

  it('gives the beginning of the text when nothing matches', () => {
    expect(index.snippet(`Compte rendu ${filler(100)}`, ['ferritine'], 10)).toBe('Compte rendu mot0…');
    expect(index.snippet('Court.', [], 10)).toBe('Court.');
  });

  it('never splits a letter from its accent when there is no space to cut at', () => {
    const text = `${'e\u0301'.repeat(100)}/glycémie`; // the cut, 16 code units back, falls on an accent
    const excerpt = index.snippet(text, ['glycemie'], 16);
    expect(excerpt).toBe(`…${'e\u0301'.repeat(8)}/glycémie`);
  });

  it('stops at the first hit in a long text', () => {
    const text = `Ferritine basse. ${'sans rapport '.repeat(100_000)}`;
    expect(index.snippet(text, ['ferritine'], 10)).toBe('Ferritine basse.…');
  });
});

describe('DocumentIndex', () => {
  const lab = doc('lab', { title: 'Résultat de glycémie', text: "L'hémoglobine glyquée est à 6,5 %.", source: 'Laboratoire Cerballiance', tags: ['diabète'] });
  const letter = doc('letter', { title: 'Courrier du cardiologue', note: 'Résultats à revoir', text: 'Hémoglobine normale. Aucune glycémie mesurée.' });
  const xray = doc('xray', { title: 'Radiographie du thorax', text: 'Pas d’opacité. Cœur de taille normale.', source: 'Hôpital Édouard-Herriot', tags: ['imagerie'] });

  it('ignores accents and case, in the query and in the documents', () => {
    const index = indexOf(lab, letter, xray);
    expect(ids(index.search('resultat'))).toEqual(expect.arrayContaining(['lab', 'letter']));
    expect(ids(index.search('RÉSULTAT')).sort()).toEqual(['lab', 'letter']);
    expect(ids(index.search('resultats'))).toEqual(['letter']);
    expect(ids(index.search('coeur'))).toEqual(['xray']);
    expect(ids(index.search('HOPITAL edouard'))).toEqual(['xray']);
  });

  it('matches each word as a prefix, and needs every word', () => {
    const index = indexOf(lab, letter, xray);
    expect(ids(index.search('glyc')).sort()).toEqual(['lab', 'letter']);
    expect(ids(index.search('hémoglobine glyquée'))).toEqual(['lab']);
    expect(ids(index.search('hemoglobine normale'))).toEqual(['letter']);
    expect(ids(index.search('hémoglobine radiographie'))).toEqual([]);
    expect(ids(index.search("l'opacité du thorax"))).toEqual(['xray']);
  });

  it('searches tags and source', () => {
    const index = indexOf(lab, letter, xray);
    expect(index.search('diabete')).toEqual([expect.objectContaining({ id: 'lab', fields: ['tags'] })]);
    expect(index.search('cerballiance')).toEqual([expect.objectContaining({ id: 'lab', fields: ['source'] })]);
    expect(ids(index.search('imagerie thorax'))).toEqual(['xray']);
  });

  it('says which words matched and where, for highlighting', () => {
    const index = indexOf(lab, letter, xray);
    const [hit] = index.search('Glyc hémo', { limit: 1 });
    expect(hit?.terms).toEqual(['glyc', 'hemo']);
    expect(hit?.fields).toEqual(['title', 'text']);
    expect(marked('Résultat de glycémie', hit?.terms ?? [])).toEqual(['glyc']);
  });

  it('ranks a title match above text matches', () => {
    const inText = doc('in-text', { title: 'Compte rendu', text: `${'Ferritine basse, ferritine à contrôler. '.repeat(20)}Bilan martial.` });
    const inTitle = doc('in-title', { title: 'Dosage de la ferritine', text: 'Bilan martial. '.repeat(60) });
    const index = indexOf(inText, inTitle, lab, letter, xray);
    expect(ids(index.search('ferritine'))).toEqual(['in-title', 'in-text']);
    const hits = index.search('ferritine');
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Infinity);
  });

  it('expands no prefix of one character: a single letter or digit matches whole words', () => {
    const index = indexOf(doc('b', { title: 'Hépatite B' }), doc('bilan', { title: 'Bilan hépatique' }), doc('two', { text: 'type 2' }), doc('twenty', { text: '2024' }));
    expect(ids(index.search('hepatite b'))).toEqual(['b']);
    expect(ids(index.search('b'))).toEqual(['b']);
    expect(ids(index.search('2'))).toEqual(['two']);
    expect(ids(index.search('20'))).toEqual(['twenty']);
  });

  it('forgives one typo in a longer word, only when nothing else is found', () => {
    const index = indexOf(lab, letter, xray, doc('sister', { text: 'Sa sœur est venue.' }), doc('code', { text: 'LOINC 11502-2' }));
    expect(ids(index.search('hemoglobne glyquee'))).toEqual(['lab']);
    // The hit names the document's word, so that the highlighter can find it.
    const [hit] = index.search('glyqée');
    expect(hit?.terms).toEqual(['glyqee', 'glyquee']);
    expect(marked(lab.text, hit?.terms ?? [])).toEqual(['glyquée']);
    expect(ids(index.search('coeut'))).toEqual(['xray']);
    expect(ids(index.search('thorx'))).toEqual(['xray']);
    // "coeur" exists, so its neighbour "soeur" is not brought along.
    expect(ids(index.search('coeur'))).toEqual(['xray']);
    expect(ids(index.search('soeur'))).toEqual(['sister']);
    // Short words, codes and numbers are never fuzzy: "cour" is a prefix of "courrier", not "cœur" misspelt.
    expect(ids(index.search('cour'))).toEqual(['letter']);
    expect(ids(index.search('11503'))).toEqual([]);
    expect(fuzzyDistance('hba1c')).toBe(0);
    expect(fuzzyDistance('glyc')).toBe(0);
    expect(fuzzyDistance('glyce')).toBe(1);
  });

  it('replaces a document added again under the same id, and forgets a removed one', () => {
    const index = indexOf(lab, letter, xray);
    expect(index.size).toBe(3);
    index.add({ ...xray, title: 'Échographie abdominale', text: 'Foie normal.' });
    expect(index.size).toBe(3);
    expect(ids(index.search('radiographie'))).toEqual([]);
    expect(ids(index.search('echographie foie'))).toEqual(['xray']);
    index.remove('lab');
    index.remove('lab');
    index.remove('never-added');
    expect(index.has('lab')).toBe(false);
    expect(index.has('letter')).toBe(true);
    expect(index.size).toBe(2);
    expect(ids(index.search('glyquee'))).toEqual([]);
  });

  it('returns nothing for a query with no words, and at most `limit` hits, best first', () => {
    const index = indexOf(lab, letter, xray);
    expect(index.search('')).toEqual([]);
    expect(index.search(" l' — ; ")).toEqual([]);
    expect(index.search('glyc', { limit: 0 })).toEqual([]);
    const all = index.search('glyc');
    expect(index.search('glyc', { limit: 1 })).toEqual(all.slice(0, 1));
    expect(() => index.search('glyc', { limit: -1 })).toThrow(RangeError);
  });

  it(`indexes the first ${MAX_FIELD_CHARS.toLocaleString('en')} characters of a field`, () => {
    const text = `ferritine ${'x'.repeat(MAX_FIELD_CHARS - 30)} glycémie ${'y'.repeat(1000)} thyroïde`;
    const index = indexOf(doc('long', { text }));
    expect(ids(index.search('ferritine'))).toEqual(['long']);
    expect(ids(index.search('glycemie'))).toEqual(['long']);
    expect(ids(index.search('thyroide'))).toEqual([]);
  });

  it('stores terms and counts, not the documents: no title, note or text can be read back from it', () => {
    const index = indexOf(lab, letter, xray);
    const saved = JSON.parse(index.serialise()) as { format: string; version: number; miniSearch: { storedFields: object } };
    expect(saved.format).toBe(SEARCH_INDEX_FORMAT);
    expect(saved.version).toBe(SEARCH_INDEX_VERSION);
    expect(saved.miniSearch.storedFields).toEqual({});
    const json = index.serialise();
    for (const original of [lab.title, letter.note, xray.text, 'Cerballiance', 'glyquée']) expect(json).not.toContain(original);
  });
});

describe('serialise and loadDocumentIndex', () => {
  const docs = frenchCorpus(7, 60, 300);

  it('answers every query as the index it was saved from', () => {
    const index = indexOf(...docs);
    const loaded = loadDocumentIndex(index.serialise());
    if (!loaded.ok) throw new Error(loaded.error.type);
    expect(loaded.value.size).toBe(60);
    expect(loaded.value.has('doc-0001')).toBe(true);
    for (const query of [...FIXED_QUERIES, 'hemoglobne', 'b', 'de la']) {
      expect(loaded.value.search(query)).toEqual(index.search(query));
    }
    const reloaded = loadDocumentIndex(loaded.value.serialise());
    expect(reloaded.ok && reloaded.value.search('glyc')).toEqual(index.search('glyc'));
  });

  it('saves and loads an empty index, and one emptied', () => {
    const empty = loadDocumentIndex(createDocumentIndex().serialise());
    expect(empty.ok && empty.value.size).toBe(0);
    const emptied = indexOf(...docs.slice(0, 3));
    for (const d of docs.slice(0, 3)) emptied.remove(d.id);
    const loaded = loadDocumentIndex(emptied.serialise());
    expect(loaded.ok && loaded.value.search('glycemie')).toEqual([]);
    expect(emptied.serialise().length).toBeLessThan(createDocumentIndex().serialise().length + 100);
  });

  it('after adds, replacements and removals in any order, answers as an index built from scratch', () => {
    // Seeded, tldraw's way: a failure names its seed, and a seed that once failed stays in the list.
    for (const seed of [1, 2, 3]) {
      const random = createSeededRandom(seed);
      const pool = frenchCorpus(100 + seed, 40, 200);
      const incremental = createDocumentIndex();
      const current = new Map<string, SearchableDocument>();
      for (let step = 0; step < 200; step++) {
        const d = pool[Math.floor(random() * pool.length)] as SearchableDocument;
        const action = random();
        if (action < 0.3) {
          incremental.remove(d.id);
          current.delete(d.id);
        } else {
          // Sometimes a new version of the same document: another document's words under its id.
          const other = pool[Math.floor(random() * pool.length)] as SearchableDocument;
          const version = action < 0.6 ? d : { ...other, id: d.id };
          incremental.add(version);
          current.set(d.id, version);
        }
        // Searching between changes is when the index rebuilds itself without what was removed.
        if (step % 25 === 24) incremental.search('glyc');
      }
      const rebuilt = indexOf(...current.values());
      const loaded = loadDocumentIndex(incremental.serialise());
      if (!loaded.ok) throw new Error(loaded.error.type);
      expect(incremental.size).toBe(current.size);
      for (const query of FIXED_QUERIES) {
        const expected = rebuilt.search(query);
        for (const index of [incremental, loaded.value]) {
          expect(index.search(query), `seed ${seed}, "${query}"`).toEqual(expected);
        }
      }
      // Nothing of a removed document, nor of a replaced version, is left in what is saved.
      const saved = JSON.parse(incremental.serialise()) as { miniSearch: { documentIds: Record<string, string>; index: [string, Record<string, Record<string, number>>][] } };
      expect(Object.values(saved.miniSearch.documentIds).sort()).toEqual([...current.keys()].sort());
      const postings = saved.miniSearch.index.flatMap(([, byField]) => Object.values(byField).flatMap((byDoc) => Object.keys(byDoc)));
      expect(postings.every((shortId) => shortId in saved.miniSearch.documentIds)).toBe(true);
    }
  });

  it('refuses another format, another version and damaged text, without throwing', () => {
    const json = indexOf(...docs.slice(0, 5)).serialise();
    const saved = JSON.parse(json) as Record<string, unknown> & { miniSearch: Record<string, unknown> };
    const variant = (change: (copy: typeof saved) => void) => {
      const copy = structuredClone(saved);
      change(copy);
      return JSON.stringify(copy);
    };
    const cases: Record<string, string> = {
      empty: '',
      'not JSON': 'not json at all',
      truncated: json.slice(0, json.length / 2),
      null: 'null',
      array: '[]',
      number: '42',
      'no envelope': JSON.stringify(saved.miniSearch),
      'another format': variant((copy) => (copy['format'] = 'minisearch')),
      'a newer version': variant((copy) => (copy['version'] = SEARCH_INDEX_VERSION + 1)),
      'an older version': variant((copy) => (copy['version'] = 0)),
      'a version as text': variant((copy) => (copy['version'] = String(SEARCH_INDEX_VERSION))),
      "another MiniSearch layout": variant((copy) => (copy.miniSearch['serializationVersion'] = 3)),
      'other fields': variant((copy) => (copy.miniSearch['fieldIds'] = { title: 0, text: 1 })),
      'fields reordered': variant((copy) => (copy.miniSearch['fieldIds'] = { text: 0, note: 1, source: 2, tags: 3, title: 4 })),
      'a field length missing': variant((copy) => delete (copy.miniSearch['fieldLength'] as Record<string, unknown>)['0']),
      'a field length negative': variant((copy) => ((copy.miniSearch['fieldLength'] as Record<string, number[]>)['0'] = [-1, 0, 0, 0, 0])),
      'a count that is not a count': variant((copy) => (copy.miniSearch['documentCount'] = 'five')),
      'counts that disagree': variant((copy) => (copy.miniSearch['documentCount'] = 6)),
      'stored fields': variant((copy) => (copy.miniSearch['storedFields'] = { 0: { text: 'secret' } })),
      'an id that is not text': variant((copy) => ((copy.miniSearch['documentIds'] as Record<string, unknown>)['0'] = 12)),
      'a duplicate id': variant((copy) => ((copy.miniSearch['documentIds'] as Record<string, unknown>)['1'] = 'doc-0001')),
      'a malformed posting': variant((copy) => ((copy.miniSearch['index'] as unknown[])[0] = ['glycemie', { 0: { x: 1 } }])),
      'a zero count': variant((copy) => ((copy.miniSearch['index'] as unknown[])[0] = ['glycemie', { 0: { 0: 0 } }])),
      'an unknown field': variant((copy) => ((copy.miniSearch['index'] as unknown[])[0] = ['glycemie', { 9: { 0: 1 } }])),
      'an empty term': variant((copy) => ((copy.miniSearch['index'] as unknown[])[0] = ['', { 0: { 0: 1 } }])),
      'no index': variant((copy) => delete copy.miniSearch['index']),
      'averages missing': variant((copy) => (copy.miniSearch['averageFieldLength'] = [])),
    };
    for (const [name, text] of Object.entries(cases)) expect(loadDocumentIndex(text), name).toEqual(unreadable);
  });

  it('never throws on a damaged index, when loading or searching what loaded (seeded fuzz)', () => {
    const json = indexOf(...docs.slice(0, 4).map((d) => ({ ...d, text: d.text.slice(0, 400) }))).serialise();
    const random = createSeededRandom(2024);
    const alphabet = '0123456789",:{}[]-aeé ';
    let loadedCount = 0;
    for (let round = 0; round < 2000; round++) {
      const chars = [...json];
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
        chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)] as string;
      }
      const result = loadDocumentIndex(chars.join(''));
      if (result.ok) {
        loadedCount += 1;
        for (const query of ['glyc', 'hemoglobne', 'b', 'resultat examen']) result.value.search(query);
        result.value.serialise();
      } else expect(result.error).toEqual({ type: 'SearchIndexUnreadable' });
    }
    // Most flips land in counts and terms, which stay readable: both paths were exercised.
    expect(loadedCount).toBeGreaterThan(0);
    expect(loadedCount).toBeLessThan(2000);
  });
});

/** Every distinct word of every field of every document, the slow way: through tokenise, with no index. */
interface Scanned {
  readonly id: string;
  readonly fields: readonly ReadonlySet<string>[];
}

function scanCorpus(corpus: readonly SearchableDocument[]): { documents: Scanned[]; vocabulary: Set<string> } {
  const vocabulary = new Set<string>();
  const documents = corpus.map((d) => {
    const fields = SEARCH_FIELDS.map((field) => new Set(tokenise((field === 'tags' ? d.tags.join('\n') : d[field]).slice(0, MAX_FIELD_CHARS))));
    for (const words of fields) for (const word of words) vocabulary.add(word);
    return { id: d.id, fields };
  });
  return { documents, vocabulary };
}

/**
 * What the index must find for `query`, with each hit's matching fields: documents in which
 * every query word matches some word (as a prefix, or whole when one character long); if there
 * are none, the same with one typo allowed in query words that fuzzyDistance allows.
 */
function bruteForce(scanned: ReturnType<typeof scanCorpus>, query: string): Map<string, SearchField[]> {
  const terms = [...new Set(tokenise(query))];
  const scan = (forgiving: boolean) => {
    const wordsFor = terms.map((term) => [...scanned.vocabulary].filter((word) => wordMatches(word, term) || (forgiving && fuzzyDistance(term) === 1 && withinOneEdit(word, term))));
    const found = new Map<string, SearchField[]>();
    for (const d of scanned.documents) {
      const hitFields = new Set<SearchField>();
      const everyTerm = wordsFor.every((words) => {
        const inFields = SEARCH_FIELDS.filter((_, f) => words.some((word) => d.fields[f]?.has(word)));
        for (const field of inFields) hitFields.add(field);
        return inFields.length > 0;
      });
      if (terms.length > 0 && everyTerm) found.set(d.id, SEARCH_FIELDS.filter((field) => hitFields.has(field)));
    }
    return found;
  };
  const strict = scan(false);
  return strict.size > 0 || !terms.some((term) => fuzzyDistance(term) > 0) ? strict : scan(true);
}

/** Levenshtein distance at most 1 (one substitution, insertion or deletion). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

describe(`search over ${(1000).toLocaleString('en')} documents of 2,000 French words (the benchmark's corpus)`, () => {
  let corpus: SearchableDocument[];
  let index: DocumentIndex;

  beforeAll(() => {
    corpus = frenchCorpus(1, 1000, 2000);
    const start = performance.now();
    index = indexOf(...corpus);
    console.log(`search index: built from 1,000 documents in ${(performance.now() - start).toFixed(0)} ms`);
  });

  it('finds exactly what a brute-force scan finds, in the fields it finds it, for each fixed query', () => {
    expect(FIXED_QUERIES).toHaveLength(20);
    const scanned = scanCorpus(corpus);
    for (const query of FIXED_QUERIES) {
      const expected = bruteForce(scanned, query);
      const hits = index.search(query);
      expect(new Set(ids(hits)), query).toEqual(new Set(expected.keys()));
      for (const hit of hits) expect(hit.fields, `${query}: ${hit.id}`).toEqual(expected.get(hit.id));
      expect(hits.every((hit, i) => i === 0 || (hits[i - 1]?.score ?? 0) >= hit.score), query).toBe(true);
    }
  });

  it('gives queries that discriminate: neither empty nor everything, and a typo found through its correction', () => {
    const counts = FIXED_QUERIES.map((query) => index.search(query).length);
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(counts.filter((count) => count < 500).length).toBeGreaterThan(10);
    const [typo] = index.search('ordonance');
    expect(typo?.terms).toEqual(['ordonance', 'ordonnance']);
  });

  it('prints the figures the benchmark budgets (no timing is asserted here)', () => {
    const rounds = 5;
    const medians: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const times = FIXED_QUERIES.map((query) => {
        const start = performance.now();
        index.search(query);
        return performance.now() - start;
      }).sort((a, b) => a - b);
      medians.push(((times[9] ?? 0) + (times[10] ?? 0)) / 2);
    }
    const serialised = index.serialise();
    const start = performance.now();
    const loaded = loadDocumentIndex(serialised);
    const loadMs = performance.now() - start;
    expect(loaded.ok).toBe(true);

    const megabyte = corpus.map((d) => d.text).join('\n').slice(0, 1_000_000);
    const one = createDocumentIndex();
    const addStart = performance.now();
    one.add(doc('big', { text: megabyte }));
    const addMs = performance.now() - addStart;

    // The first search after a removal first rebuilds the index without the removed postings.
    const removed = corpus[500] as SearchableDocument;
    index.remove(removed.id);
    const compactStart = performance.now();
    index.search('glycemie');
    const compactMs = performance.now() - compactStart;
    index.add(removed);
    index.search('glycemie');

    console.log(
      [
        `search median of 20 queries over 1,000 documents: ${medians.map((m) => m.toFixed(2)).join(', ')} ms (rounds 1..${rounds})`,
        `hits per query: ${FIXED_QUERIES.map((query) => `${query} ${index.search(query).length}`).join(', ')}`,
        `first search after a removal (rebuilds without it): ${compactMs.toFixed(0)} ms`,
        `serialised index: ${serialised.length.toLocaleString('en')} characters, loaded in ${loadMs.toFixed(0)} ms`,
        `adding a 1 MB text (first ${MAX_FIELD_CHARS.toLocaleString('en')} characters indexed): ${addMs.toFixed(1)} ms`,
      ].join('\n'),
    );
  });
});
