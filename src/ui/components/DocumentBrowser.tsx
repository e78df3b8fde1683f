/**
 * The document browser: the patient's documents as a list or a grid of cards, narrowed by
 * category, source, year and tag, and virtualised (@tanstack/solid-virtual) so that 5,000
 * documents keep a few dozen nodes in the page. Thumbnails are decrypted only for the items
 * rendered (thumbnails.ts), and their object URLs revoked when the browser goes away.
 *
 * Keyboard: one item is in the tab order (roving tabindex); arrow keys, Home and End move
 * between items, Enter opens. The item holding the tab stop is always rendered, even scrolled
 * away, so Tab always finds the list and the virtualiser never drops the focus.
 * Screen readers hear the list's size from aria-setsize and aria-posinset, since most items are
 * not in the page, and the number of documents shown is announced as filters change.
 */
import { createVirtualizer, defaultRangeExtractor, type Range } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createRenderEffect, createSignal, createUniqueId, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import type { Document } from '../../app/documents.ts';
import { DOCUMENT_CATEGORIES } from '../../core/records/document-classes.ts';
import { fileOfRole, SOURCE_KINDS, type FileFormat, type FileRef, type SourceKind } from '../../core/records/document.ts';
import { useApp } from '../context.tsx';
import { formatDate } from '../format.ts';
import type { Dictionary } from '../i18n/i18n.ts';
import type { PreferenceStorage } from '../preferences.ts';
import { createThumbnailCache, type ThumbnailCache } from '../thumbnails.ts';
import { Highlight } from './Highlight.tsx';
import './document-browser.css';

export interface DocumentBrowserProps {
  /** Already ordered, newest first. */
  readonly documents: readonly Document[];
  /** Decrypts a file (thumbnails); null when it cannot be read. */
  readonly read: (file: FileRef) => Promise<Blob | null>;
  readonly onOpen: (id: string) => void;
  /** While a search is active: only these documents are shown, their titles highlighted. */
  readonly hits?: ReadonlyMap<string, { readonly terms: readonly string[] }> | null;
  readonly emptyMessage: string;
}

export interface DocumentBrowserViewProps extends DocumentBrowserProps {
  readonly words: Dictionary['browse'];
  readonly language: string;
  readonly timeZone: string;
  /** Where the list or grid choice is remembered: localStorage unless given. */
  readonly storage?: PreferenceStorage;
}

type Words = Dictionary['browse'];
export type BrowserLayout = 'list' | 'grid';
export const LAYOUT_KEY = 'carnet.documents.view';

/** The narrowest a card gets before the grid drops a column, and the gap between cards (CSS px). */
const CARD_MIN_WIDTH = 140;
const CARD_GAP = 12;
/** The grid row's side padding, as in document-browser.css. */
const GRID_PADDING = 12;
const LIST_ROW_ESTIMATE = 84;
const GRID_ROW_ESTIMATE = 300;

export function DocumentBrowser(props: DocumentBrowserProps) {
  const { t, preferences } = useApp();
  return (
    <DocumentBrowserView
      documents={props.documents}
      read={props.read}
      onOpen={props.onOpen}
      hits={props.hits ?? null}
      emptyMessage={props.emptyMessage}
      words={t().browse}
      language={preferences.language()}
      timeZone={preferences.timeZone()}
    />
  );
}

// ---- Filters -------------------------------------------------------------------------------

const FACETS = ['category', 'source', 'year', 'tag'] as const;
type Facet = (typeof FACETS)[number];
/** The value chosen for each facet; '' is "any". */
type Filters = Readonly<Record<Facet, string>>;
const NO_FILTERS: Filters = { category: '', source: '', year: '', tag: '' };

interface Entry {
  readonly document: Document;
  /** The year of care, else of the day it was added in the patient's time zone. */
  readonly year: string;
}

function valuesOf(entry: Entry, facet: Facet): readonly string[] {
  const data = entry.document.data;
  switch (facet) {
    case 'category':
      return [data.category];
    case 'source':
      return data.source === null ? [] : [data.source.name];
    case 'year':
      return [entry.year];
    case 'tag':
      return data.tags;
  }
}

interface Filtered {
  readonly shown: readonly Document[];
  /** For each facet, how many documents each value would give with the other filters as they are. */
  readonly counts: Readonly<Record<Facet, ReadonlyMap<string, number>>>;
}

/** One pass: a document failing no filter is shown; one failing a single filter counts for that facet only. */
function applyFilters(entries: readonly Entry[], filters: Filters): Filtered {
  const shown: Document[] = [];
  const counts: Record<Facet, Map<string, number>> = { category: new Map(), source: new Map(), year: new Map(), tag: new Map() };
  const tally = (entry: Entry, facet: Facet) => {
    for (const value of valuesOf(entry, facet)) counts[facet].set(value, (counts[facet].get(value) ?? 0) + 1);
  };
  for (const entry of entries) {
    const failing = FACETS.filter((facet) => filters[facet] !== '' && !valuesOf(entry, facet).includes(filters[facet]));
    if (failing.length === 0) {
      shown.push(entry.document);
      for (const facet of FACETS) tally(entry, facet);
    } else if (failing.length === 1) {
      tally(entry, failing[0] as Facet);
    }
  }
  return { shown, counts };
}

interface FacetOption {
  readonly value: string;
  readonly label: string;
  readonly count: number;
}

interface OptionGroup {
  readonly label: string | null;
  readonly options: readonly FacetOption[];
}

/** The values on offer: those some document would give, and the chosen one even if none would. */
function optionsOf(counts: ReadonlyMap<string, number>, chosen: string, label: (value: string) => string): FacetOption[] {
  const values = [...counts.keys()];
  if (chosen !== '' && !counts.has(chosen)) values.push(chosen);
  return values.map((value) => ({ value, label: label(value), count: counts.get(value) ?? 0 }));
}

// ---- Dates ---------------------------------------------------------------------------------

/** A day of care is a calendar day, not an instant: it is the same day in every time zone. */
function careDayText(careDate: string, language: string): string {
  const [year, month, day] = careDate.split('-').map(Number);
  return formatDate(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1), language, 'UTC');
}

// ---- Storage -------------------------------------------------------------------------------

function readLayout(storage: PreferenceStorage): BrowserLayout {
  try {
    return storage.getItem(LAYOUT_KEY) === 'grid' ? 'grid' : 'list';
  } catch {
    // Storage disabled by the browser's privacy settings: the list, as by default.
    return 'list';
  }
}

function writeLayout(storage: PreferenceStorage, layout: BrowserLayout): void {
  try {
    storage.setItem(LAYOUT_KEY, layout);
  } catch {
    // Same as above: the choice holds until the page is left.
  }
}

// ---- The browser ---------------------------------------------------------------------------

export function DocumentBrowserView(props: DocumentBrowserViewProps) {
  const id = createUniqueId();
  const storage = props.storage ?? localStorage;
  const [layout, setLayout] = createSignal<BrowserLayout>(readLayout(storage));
  const [filters, setFilters] = createSignal<Filters>(NO_FILTERS);
  const [filtersOpen, setFiltersOpen] = createSignal(false);
  const thumbnails = createThumbnailCache({ read: (file) => props.read(file) });
  onCleanup(() => thumbnails.clear());

  const base = createMemo(() => {
    const hits = props.hits ?? null;
    return hits === null ? props.documents : props.documents.filter((document) => hits.has(document.id));
  });
  const entries = createMemo(() => {
    const years = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: props.timeZone });
    return base().map((document): Entry => ({ document, year: document.data.careDate?.slice(0, 4) ?? years.format(document.data.addedAt) }));
  });
  const filtered = createMemo(() => applyFilters(entries(), filters()));
  const shown = () => filtered().shown;
  const activeFilters = () => FACETS.filter((facet) => filters()[facet] !== '').length;

  /** Each source name's kind, as the first document naming it says. */
  const kindOfSource = createMemo(() => {
    const kinds = new Map<string, SourceKind>();
    for (const document of base()) if (document.data.source !== null && !kinds.has(document.data.source.name)) kinds.set(document.data.source.name, document.data.source.kind);
    return kinds;
  });
  const compare = (a: FacetOption, b: FacetOption) => a.label.localeCompare(b.label, props.language);
  const groups = createMemo((): Record<Facet, OptionGroup[]> => {
    const { counts } = filtered();
    const chosen = filters();
    const categories = optionsOf(counts.category, chosen.category, (value) => props.words.categories[value as keyof Words['categories']]);
    const order = (value: string) => DOCUMENT_CATEGORIES.indexOf(value as (typeof DOCUMENT_CATEGORIES)[number]);
    const sources = optionsOf(counts.source, chosen.source, (value) => value).sort(compare);
    const years = optionsOf(counts.year, chosen.year, (value) => value).sort((a, b) => b.value.localeCompare(a.value));
    const tags = optionsOf(counts.tag, chosen.tag, (value) => value).sort(compare);
    return {
      category: [{ label: null, options: categories.sort((a, b) => order(a.value) - order(b.value)) }],
      source: SOURCE_KINDS.map((kind) => ({
        label: props.words.sourceKinds[kind],
        options: sources.filter((option) => (kindOfSource().get(option.value) ?? 'other') === kind),
      })).filter((group) => group.options.length > 0),
      year: [{ label: null, options: years }],
      tag: [{ label: null, options: tags }],
    };
  });
  const facetWords = (facet: Facet) => {
    const words = props.words;
    switch (facet) {
      case 'category':
        return { label: words.category, all: words.allCategories };
      case 'source':
        return { label: words.source, all: words.allSources };
      case 'year':
        return { label: words.year, all: words.allYears };
      case 'tag':
        return { label: words.tag, all: words.allTags };
    }
  };

  // -- Virtualisation: the list has one document per row, the grid as many as the width holds.
  let scroller: HTMLDivElement | undefined;
  let canvas: HTMLDivElement | undefined;
  const [width, setWidth] = createSignal(0);
  const columns = createMemo(() => (layout() === 'grid' ? Math.max(1, Math.floor((width() - 2 * GRID_PADDING + CARD_GAP) / (CARD_MIN_WIDTH + CARD_GAP))) : 1));
  const rowCount = () => Math.ceil(shown().length / columns());

  const [activeId, setActiveId] = createSignal<string | null>(null);
  const positionOf = createMemo(() => new Map(shown().map((document, position) => [document.id as string, position])));
  /** The item holding the tab stop: the last one focused, or the first. */
  const active = createMemo(() => {
    const chosen = activeId();
    return (chosen === null ? undefined : positionOf().get(chosen)) ?? 0;
  });

  /** Measured heights follow the document (list) or the row's first card and the column count (grid). */
  const rowKey = (row: number): string | number => {
    const across = columns();
    const first = shown()[row * across]?.id ?? row;
    return layout() === 'grid' ? `${across}:${first}` : first;
  };

  const virtualizer = createVirtualizer<HTMLDivElement, HTMLDivElement>({
    get count() {
      return rowCount();
    },
    getScrollElement: () => scroller ?? null,
    get estimateSize() {
      const estimate = layout() === 'grid' ? GRID_ROW_ESTIMATE : LIST_ROW_ESTIMATE;
      return () => estimate;
    },
    overscan: 4,
    get getItemKey() {
      // A new function when what it reads changes, so the virtualiser recomputes its layout.
      shown();
      layout();
      columns();
      return (row: number) => rowKey(row);
    },
    get rangeExtractor() {
      const kept = Math.floor(active() / columns());
      return (range: Range) => {
        const rows = defaultRangeExtractor(range);
        if (kept < range.count && !rows.includes(kept)) rows.push(kept);
        return rows.sort((a, b) => a - b);
      };
    },
  });

  onMount(() => {
    if (scroller === undefined) return;
    setWidth(scroller.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined) setWidth(entry.contentRect.width);
    });
    observer.observe(scroller);
    onCleanup(() => observer.disconnect());
  });
  function placeCanvas(element: HTMLDivElement) {
    canvas = element;
    createRenderEffect(() => {
      element.style.height = `${virtualizer.getTotalSize()}px`;
      element.style.setProperty('--browser-columns', String(columns()));
    });
  }
  // A new selection or a new search starts at the top.
  createEffect(on([filters, () => props.hits], () => virtualizer.scrollToOffset(0), { defer: true }));

  function chooseLayout(next: BrowserLayout) {
    if (next === layout()) return;
    const offset = virtualizer.scrollOffset ?? 0;
    const first = (virtualizer.getVirtualItemForOffset(offset)?.index ?? 0) * columns();
    setLayout(next);
    writeLayout(storage, next);
    // The document at the top stays in view.
    virtualizer.scrollToIndex(Math.floor(first / columns()), { align: 'start' });
  }

  function setFilter(facet: Facet, value: string) {
    setFilters({ ...filters(), [facet]: value });
  }

  function itemAt(position: number): HTMLElement | null {
    return canvas?.querySelector<HTMLElement>(`[data-position="${position}"] .doc-open`) ?? null;
  }

  function onKeyDown(event: KeyboardEvent) {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-position]');
    if (item === null || event.altKey || event.ctrlKey || event.metaKey) return;
    const from = Number(item.dataset['position']);
    const grid = layout() === 'grid';
    let to: number;
    switch (event.key) {
      case 'ArrowDown':
        to = from + columns();
        break;
      case 'ArrowUp':
        to = from - columns();
        break;
      case 'ArrowRight':
        if (!grid) return;
        to = from + 1;
        break;
      case 'ArrowLeft':
        if (!grid) return;
        to = from - 1;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = shown().length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    to = Math.max(0, Math.min(shown().length - 1, to));
    const target = shown()[to];
    if (target === undefined) return;
    // Making it active renders it (rangeExtractor) before it is focused and scrolled into view.
    setActiveId(target.id);
    itemAt(to)?.focus();
  }

  function onFocusIn(event: FocusEvent) {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-position]');
    const document = item === null ? undefined : shown()[Number(item.dataset['position'])];
    if (document !== undefined) setActiveId(document.id);
  }

  /** Re-measures a row whenever what it shows changes; a resize is caught by the virtualiser. */
  function placeRow(element: HTMLDivElement, row: () => { index: number; start: number }) {
    createRenderEffect(() => {
      element.style.transform = `translateY(${row().start}px)`;
    });
    createEffect(on(() => rowKey(row().index), () => virtualizer.measureElement(element)));
  }

  const item = (document: Document, shape: 'row' | 'card') => (
    <DocumentItem
      document={document}
      tabbable={shown()[active()]?.id === document.id}
      shape={shape}
      terms={props.hits?.get(document.id)?.terms ?? []}
      words={props.words}
      language={props.language}
      timeZone={props.timeZone}
      thumbnails={thumbnails}
      onOpen={props.onOpen}
    />
  );

  return (
    <div class="document-browser">
      <div class="browser-toolbar">
        <button
          type="button"
          class="secondary browser-filters-toggle"
          aria-expanded={filtersOpen()}
          aria-controls={`${id}-filters`}
          onClick={() => setFiltersOpen(!filtersOpen())}
        >
          {activeFilters() === 0 ? props.words.filters : props.words.filtersActive(activeFilters())}
        </button>
        <div class="browser-views" role="group" aria-label={props.words.view}>
          <button type="button" class="secondary" aria-pressed={layout() === 'list'} onClick={() => chooseLayout('list')}>
            <LayoutIcon layout="list" />
            {props.words.list}
          </button>
          <button type="button" class="secondary" aria-pressed={layout() === 'grid'} onClick={() => chooseLayout('grid')}>
            <LayoutIcon layout="grid" />
            {props.words.grid}
          </button>
        </div>
      </div>
      <div id={`${id}-filters`} class="browser-filters" classList={{ open: filtersOpen() }} role="group" aria-label={props.words.filters}>
        <For each={FACETS}>
          {(facet) => (
            <div class="field">
              <label for={`${id}-${facet}`}>{facetWords(facet).label}</label>
              <select id={`${id}-${facet}`} onChange={(event) => setFilter(facet, event.currentTarget.value)}>
                <option value="" selected={filters()[facet] === ''}>
                  {facetWords(facet).all}
                </option>
                <For each={groups()[facet]}>
                  {(group) => (
                    <Show when={group.label} fallback={<FacetOptions options={group.options} chosen={filters()[facet]} words={props.words} />}>
                      {(label) => (
                        <optgroup label={label()}>
                          <FacetOptions options={group.options} chosen={filters()[facet]} words={props.words} />
                        </optgroup>
                      )}
                    </Show>
                  )}
                </For>
              </select>
            </div>
          )}
        </For>
        <Show when={activeFilters() > 0}>
          <button type="button" class="secondary browser-reset" onClick={() => setFilters(NO_FILTERS)}>
            {props.words.reset}
          </button>
        </Show>
      </div>
      <p class="browser-count" role="status">
        {props.words.count(shown().length, base().length)}
      </p>
      <Show when={base().length > 0} fallback={<p class="browser-empty">{props.emptyMessage}</p>}>
        <Show when={shown().length === 0}>
          <p class="browser-empty">{props.words.noMatch}</p>
        </Show>
      </Show>
      <div class="browser-scroll" classList={{ empty: shown().length === 0 }} ref={(element) => (scroller = element)}>
        <Show when={shown().length > 0}>
          <div
            ref={placeCanvas}
            class="browser-canvas"
            classList={{ grid: layout() === 'grid' }}
            role="list"
            aria-label={props.words.listLabel}
            onKeyDown={onKeyDown}
            onFocusIn={onFocusIn}
          >
            <For each={virtualizer.getVirtualItems()}>
              {(row) => (
                <Show
                  when={layout() === 'grid'}
                  fallback={
                    <div class="browser-slot" data-index={row.index} data-position={row.index} role="listitem" aria-setsize={shown().length} aria-posinset={row.index + 1} ref={(element) => placeRow(element, () => row)}>
                      <Show when={shown()[row.index]} keyed>
                        {(document) => item(document, 'row')}
                      </Show>
                    </div>
                  }
                >
                  <div class="browser-slot browser-grid-row" data-index={row.index} ref={(element) => placeRow(element, () => row)}>
                    <For each={shown().slice(row.index * columns(), (row.index + 1) * columns())}>
                      {(document, cell) => (
                        <div class="browser-cell" data-position={row.index * columns() + cell()} role="listitem" aria-setsize={shown().length} aria-posinset={row.index * columns() + cell() + 1}>
                          {item(document, 'card')}
                        </div>
                      )}
                    </For>
                  </div>
                </Show>
              )}
            </For>
          </div>
        </Show>
      </div>
    </div>
  );
}

function FacetOptions(props: { options: readonly FacetOption[]; chosen: string; words: Words }) {
  return (
    <For each={props.options}>
      {(option) => (
        <option value={option.value} selected={option.value === props.chosen}>
          {props.words.option(option.label, option.count)}
        </option>
      )}
    </For>
  );
}

// ---- One document --------------------------------------------------------------------------

function DocumentItem(props: {
  document: Document;
  tabbable: boolean;
  shape: 'row' | 'card';
  terms: readonly string[];
  words: Words;
  language: string;
  timeZone: string;
  thumbnails: ThumbnailCache;
  onOpen: (id: string) => void;
}) {
  const data = () => props.document.data;
  return (
    <div class={`doc-item doc-${props.shape}`}>
      <Preview document={props.document} thumbnails={props.thumbnails} words={props.words} />
      <div class="doc-body">
        <button type="button" class="doc-open" tabindex={props.tabbable ? 0 : -1} onClick={() => props.onOpen(props.document.id)}>
          <span class="doc-title">
            <Highlight text={data().title} terms={props.terms} />
          </span>
        </button>
        <p class="doc-meta">
          <Show
            when={data().careDate}
            fallback={<span>{props.words.added(formatDate(data().addedAt, props.language, props.timeZone))}</span>}
          >
            {(careDate) => <time datetime={careDate()}>{careDayText(careDate(), props.language)}</time>}
          </Show>
          <span>{props.words.categories[data().category]}</span>
          <Show when={data().source}>{(source) => <span class="doc-source">{source().name}</span>}</Show>
          <Show when={data().hidden}>
            <span class="doc-badge">{props.words.hidden}</span>
          </Show>
        </p>
        <Show when={data().tags.length > 0}>
          <ul class="doc-tags" aria-label={props.words.tags}>
            <For each={data().tags}>{(tag) => <li>{tag}</li>}</For>
          </ul>
        </Show>
      </div>
    </div>
  );
}

/**
 * The document's thumbnail once decrypted, its format's icon until then or without one. Read once:
 * an item is made anew for another document (keyed), so its request belongs to one document.
 */
function Preview(props: { document: Document; thumbnails: ThumbnailCache; words: Words }) {
  const data = props.document.data;
  const format: FileFormat = (fileOfRole(data, 'original') ?? data.files[0])?.format ?? 'other';
  const thumbnail = fileOfRole(data, 'thumbnail');
  const known = thumbnail === undefined ? null : props.thumbnails.peek(thumbnail);
  const [url, setUrl] = createSignal<string | null>(known ?? null);
  if (thumbnail !== undefined && known === undefined) {
    // Given up when the item leaves the page: a thumbnail never decrypted for nothing.
    const controller = new AbortController();
    void props.thumbnails.load(thumbnail, controller.signal).then((loaded) => {
      if (!controller.signal.aborted) setUrl(loaded);
    });
    onCleanup(() => controller.abort());
  }
  return (
    <div class="doc-preview">
      <Show when={url()} fallback={<FormatIcon format={format} label={props.words.formats[format]} />}>
        {/* Decorative: the title beside it names the document. An evicted URL falls back to the icon. */}
        {(src) => <img src={src()} alt="" decoding="async" onError={() => setUrl(null)} />}
      </Show>
    </div>
  );
}

// ---- Icons ---------------------------------------------------------------------------------

type FormatFamily = 'pdf' | 'image' | 'text' | 'cda' | 'other';

function familyOf(format: FileFormat): FormatFamily {
  switch (format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'tiff':
      return 'image';
    case 'pdf':
    case 'text':
    case 'cda':
    case 'other':
      return format;
  }
}

/** A page with a folded corner and a sign of what it holds; named for screen readers. */
export function FormatIcon(props: { format: FileFormat; label: string }) {
  const family = () => familyOf(props.format);
  return (
    <svg class={`format-icon format-${family()}`} role="img" aria-label={props.label} viewBox="0 0 24 24" xmlns="http://www.w3.org/2000/svg">
      <path class="format-page" d="M5.5 2.5h9l4 4v15h-13z" />
      <path class="format-fold" d="M14.5 2.5v4h4" />
      <Switch>
        <Match when={family() === 'pdf'}>
          <rect class="format-band" x="5.5" y="13.5" width="13" height="5" />
          <path class="format-mark" d="M8 9h8M8 11h5" />
        </Match>
        <Match when={family() === 'image'}>
          <path class="format-mark" d="M7.5 18l3.5-4.5 2.5 3 1.5-2 2 3.5z" />
          <circle class="format-mark" cx="14.5" cy="10" r="1.5" />
        </Match>
        <Match when={family() === 'text'}>
          <path class="format-mark" d="M8 9h8M8 12h8M8 15h8M8 18h5" />
        </Match>
        <Match when={family() === 'cda'}>
          <path class="format-mark" d="M10 11l-2.5 2.5L10 16M14 11l2.5 2.5L14 16" />
        </Match>
      </Switch>
    </svg>
  );
}

function LayoutIcon(props: { layout: BrowserLayout }) {
  return (
    <svg class="layout-icon" aria-hidden="true" viewBox="0 0 24 24" xmlns="http://www.w3.org/2000/svg">
      <Show when={props.layout === 'grid'} fallback={<path d="M4 6h16M4 12h16M4 18h16" />}>
        <path d="M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z" />
      </Show>
    </svg>
  );
}
