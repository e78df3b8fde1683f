/**
 * The document browser in a real Chromium: virtualisation with 5,000 documents, filters and their
 * counts, the list and grid views, thumbnails decrypted only for what is on screen and revoked
 * after, the keyboard, search hits, narrow screens, and axe-core on what is rendered.
 */
import axe from 'axe-core';
import { render } from 'solid-js/web';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { Document } from '../../src/app/documents.ts';
import { asFileKey } from '../../src/core/crypto/keys.ts';
import { DOCUMENT_CATEGORIES } from '../../src/core/records/document-classes.ts';
import { FILE_CIPHER_V1, type DocumentData, type FileFormat, type FileId, type FileRef, type FileRole } from '../../src/core/records/document.ts';
import type { HlcStamp } from '../../src/core/records/hlc.ts';
import type { RecordId } from '../../src/core/records/record.ts';
import { DocumentBrowserView, LAYOUT_KEY, type DocumentBrowserViewProps } from '../../src/ui/components/DocumentBrowser.tsx';
import { dictionaryFor } from '../../src/ui/i18n/i18n.ts';
import { createThumbnailCache, type ObjectUrls } from '../../src/ui/thumbnails.ts';
import '../../src/ui/styles.css';

const DAY_MS = 86_400_000;
const words = dictionaryFor('fr').browse;

function fileRef(role: FileRole, format: FileFormat, serial: number): FileRef {
  return {
    id: serial.toString(16).padStart(32, '0') as FileId,
    name: `file-${serial}`,
    type: '',
    size: 1,
    key: asFileKey(new Uint8Array(32)),
    chunkSize: 65_536,
    chunkCount: 1,
    cipher: FILE_CIPHER_V1,
    role,
    format,
    mac: null,
  };
}

const SOURCES = [
  { kind: 'laboratory', name: 'Laboratoire Biolab' },
  { kind: 'hospital', name: 'CHU de Nantes' },
  { kind: 'practitioner', name: 'Dr Martin' },
  null,
] as const;

/** Document `i` of a generated record, newest first: one day of care a day back from 2025-12-31. */
function generatedDocument(i: number, overrides: Partial<DocumentData> = {}): Document {
  const careDate = i % 10 === 9 ? null : new Date(Date.UTC(2025, 11, 31) - i * DAY_MS).toISOString().slice(0, 10);
  const data: DocumentData = {
    title: `Document ${i}`,
    note: '',
    addedAt: Date.UTC(2026, 0, 1) - i * DAY_MS,
    careDate,
    category: DOCUMENT_CATEGORIES[i % DOCUMENT_CATEGORIES.length] ?? 'other',
    typeCode: null,
    source: SOURCES[i % SOURCES.length] ?? null,
    tags: i % 50 === 0 ? ['diabète', 'cardio'] : i % 7 === 0 ? ['cardio'] : [],
    hidden: i % 13 === 0,
    trashedAt: null,
    files: [fileRef('original', i % 3 === 0 ? 'jpeg' : 'pdf', i * 2), fileRef('thumbnail', 'webp', i * 2 + 1)],
    ...overrides,
  };
  return { id: `doc-${i}` as RecordId, hlc: `hlc-${i}` as HlcStamp, data };
}

const generated = (n: number) => Array.from({ length: n }, (_, i) => generatedDocument(i));

let webp: Blob | undefined;
const unmounts: (() => void)[] = [];

beforeEach(async () => {
  localStorage.removeItem(LAYOUT_KEY);
  if (webp === undefined) {
    const canvas = new OffscreenCanvas(12, 16);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context');
    context.fillStyle = '#888';
    context.fillRect(2, 2, 8, 12);
    webp = await canvas.convertToBlob({ type: 'image/webp' });
  }
});

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
  vi.restoreAllMocks();
});

type Props = Partial<DocumentBrowserViewProps> & Pick<DocumentBrowserViewProps, 'documents'>;

function mount(props: Props, width = 800) {
  const host = document.createElement('div');
  host.style.width = `${width}px`;
  document.body.append(host);
  const dispose = render(
    () => (
      <DocumentBrowserView
        read={async () => webp ?? null}
        onOpen={() => {}}
        emptyMessage="Aucun document pour l’instant."
        words={words}
        language="fr"
        timeZone="Europe/Paris"
        {...props}
      />
    ),
    host,
  );
  let mounted = true;
  const unmount = () => {
    if (!mounted) return;
    mounted = false;
    dispose();
    host.remove();
  };
  unmounts.push(unmount);
  const scroller = host.querySelector<HTMLElement>('.browser-scroll');
  if (scroller === null) throw new Error('no scroll container');
  return { host, scroller, unmount };
}

const items = (host: HTMLElement) => [...host.querySelectorAll<HTMLElement>('[role="listitem"]')];
const titles = (host: HTMLElement) => items(host).map((item) => item.querySelector('.doc-title')?.textContent ?? '');
const count = (host: HTMLElement) => host.querySelector('[role="status"]')?.textContent;
const select = (host: HTMLElement, label: string) => {
  const found = [...host.querySelectorAll('label')].find((element) => element.textContent === label);
  const control = found === undefined ? null : host.querySelector<HTMLSelectElement>(`#${CSS.escape(found.htmlFor)}`);
  if (control === null) throw new Error(`no select labelled ${label}`);
  return control;
};
const button = (host: HTMLElement, name: string) => {
  const found = [...host.querySelectorAll('button')].find((element) => element.textContent?.trim() === name);
  if (found === undefined) throw new Error(`no button ${name}`);
  return found;
};

/** Scrolls to the end until the virtualiser, measuring as it goes, has nothing more below. */
async function scrollToEnd(scroller: HTMLElement, last: string, host: HTMLElement) {
  await vi.waitFor(() => {
    scroller.scrollTop = scroller.scrollHeight;
    expect(titles(host)).toContain(last);
  });
}

async function noAxeViolations(host: HTMLElement) {
  const results = await axe.run(host);
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

describe('the document browser', () => {
  it('keeps 5,000 documents to a few dozen items in the page, and scrolls to the last', async () => {
    const documents = generated(5000);
    const { host, scroller } = mount({ documents });
    await vi.waitFor(() => expect(items(host).length).toBeGreaterThan(3));
    expect(items(host).length).toBeLessThan(100);
    expect(count(host)).toBe('5000 documents');
    const list = host.querySelector('[role="list"]');
    expect(list?.getAttribute('aria-label')).toBe('Documents');
    expect(items(host)[0]?.getAttribute('aria-setsize')).toBe('5000');
    expect(items(host)[0]?.getAttribute('aria-posinset')).toBe('1');
    expect(titles(host)[0]).toBe('Document 0');

    await scrollToEnd(scroller, 'Document 4999', host);
    expect(items(host).length).toBeLessThan(100);
    const last = items(host).find((item) => item.textContent?.includes('Document 4999'));
    expect(last?.getAttribute('aria-posinset')).toBe('5000');
    // The last item is in the scrolled view, not merely in the page.
    const box = last?.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    expect(box !== undefined && box.bottom <= view.bottom + 1 && box.top >= view.top - 1).toBe(true);
  });

  it('shows the date of care in the patient’s language, the category, source, tags and a hidden badge', async () => {
    const documents = [generatedDocument(0), generatedDocument(9, { addedAt: Date.UTC(2024, 11, 31, 20) })];
    const { host } = mount({ documents, timeZone: 'Pacific/Auckland' });
    await vi.waitFor(() => expect(items(host)).toHaveLength(2));
    const [first, second] = items(host);
    expect(first?.querySelector('time')?.getAttribute('datetime')).toBe('2025-12-31');
    expect(first?.textContent).toContain('31 décembre 2025');
    expect(first?.textContent).toContain('Synthèse');
    expect(first?.textContent).toContain('Laboratoire Biolab');
    expect([...(first?.querySelectorAll('.doc-tags li') ?? [])].map((tag) => tag.textContent)).toEqual(['diabète', 'cardio']);
    expect(first?.textContent).toContain('Masqué');
    // No date of care: the day it was added, in the patient's time zone (already 2025 in Auckland).
    expect(second?.textContent).toContain('Ajouté le 1 janvier 2025');
    expect(second?.textContent).not.toContain('Masqué');
    expect([...select(host, 'Année').options].map((option) => option.text)).toEqual(['Toutes les années', '2025 (2)']);
  });

  it('narrows by category, year and tag, combined, with counts and the number announced', async () => {
    const documents = generated(5000);
    const { host } = mount({ documents });
    await vi.waitFor(() => expect(items(host).length).toBeGreaterThan(0));
    const yearOf = (document: Document) => document.data.careDate?.slice(0, 4) ?? new Date(document.data.addedAt).getUTCFullYear().toString();

    const biology = documents.filter((document) => document.data.category === 'biology');
    const categoryOption = [...select(host, 'Catégorie').options].find((option) => option.value === 'biology');
    expect(categoryOption?.text).toBe(`Biologie (${biology.length})`);
    await userEvent.selectOptions(select(host, 'Catégorie'), 'biology');
    expect(count(host)).toBe(`${biology.length} documents sur 5000`);
    await vi.waitFor(() => expect(titles(host)[0]).toBe(biology[0]?.data.title));
    for (const item of items(host)) expect(item.textContent).toContain('Biologie');

    // Year options now count only biology documents.
    const biology2020 = biology.filter((document) => yearOf(document) === '2020');
    expect([...select(host, 'Année').options].find((option) => option.value === '2020')?.text).toBe(`2020 (${biology2020.length})`);
    await userEvent.selectOptions(select(host, 'Année'), '2020');
    expect(count(host)).toBe(`${biology2020.length} documents sur 5000`);

    const tagged = biology2020.filter((document) => document.data.tags.includes('cardio'));
    expect(tagged.length).toBeGreaterThan(0);
    await userEvent.selectOptions(select(host, 'Étiquette'), 'cardio');
    expect(count(host)).toBe(tagged.length === 1 ? '1 document sur 5000' : `${tagged.length} documents sur 5000`);
    await vi.waitFor(() => expect(titles(host)).toEqual(tagged.map((document) => document.data.title)));

    await userEvent.click(button(host, 'Effacer les filtres'));
    expect(count(host)).toBe('5000 documents');
    expect(select(host, 'Catégorie').value).toBe('');
    await vi.waitFor(() => expect(titles(host)[0]).toBe('Document 0'));
  });

  it('filters by source, grouped by kind', async () => {
    const documents = generated(40);
    const { host } = mount({ documents });
    const groups = [...select(host, 'Source').querySelectorAll('optgroup')].map((group) => group.label);
    expect(groups).toEqual(['Praticiens', 'Laboratoires', 'Établissements de santé']);
    await userEvent.selectOptions(select(host, 'Source'), 'CHU de Nantes');
    expect(count(host)).toBe('10 documents sur 40');
    await vi.waitFor(() => expect(titles(host)).toEqual(documents.filter((document) => document.data.source?.name === 'CHU de Nantes').map((document) => document.data.title)));
  });

  it('remembers the grid, which holds as many cards across as the width allows', async () => {
    const documents = generated(5000);
    const first = mount({ documents }, 800);
    await vi.waitFor(() => expect(items(first.host).length).toBeGreaterThan(0));
    expect(button(first.host, 'Liste').getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(button(first.host, 'Grille'));
    expect(localStorage.getItem(LAYOUT_KEY)).toBe('grid');
    first.unmount();

    const again = mount({ documents }, 800);
    expect(button(again.host, 'Grille').getAttribute('aria-pressed')).toBe('true');
    await vi.waitFor(() => expect(again.host.querySelectorAll('.doc-card').length).toBeGreaterThan(4));
    const rows = [...again.host.querySelectorAll('.browser-grid-row')];
    // 800 px, less the border, scroll bar and padding, holds five cards of at least 140 px.
    expect(rows[0]?.querySelectorAll('[role="listitem"]')).toHaveLength(5);
    expect(items(again.host).length).toBeLessThan(100);
    await scrollToEnd(again.scroller, 'Document 4999', again.host);
    expect(items(again.host).length).toBeLessThan(100);
  });

  it('decrypts thumbnails only for the items rendered, and revokes their URLs when it goes', async () => {
    const created: string[] = [];
    const revoked: string[] = [];
    const make = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const url = make(blob);
      created.push(url);
      return url;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => {
      revoked.push(url);
      revoke(url);
    });
    const asked: string[] = [];
    const documents = generated(5000);
    const { host, scroller, unmount } = mount({
      documents,
      read: async (file) => {
        asked.push(file.id);
        return webp ?? null;
      },
    });
    await vi.waitFor(() => expect(host.querySelectorAll('.doc-preview img').length).toBe(items(host).length));
    const rendered = new Set(items(host).map((item) => item.querySelector('.doc-title')?.textContent));
    const thumbnailOf = (i: number) => fileRef('thumbnail', 'webp', i * 2 + 1).id;
    expect(asked.length).toBe(rendered.size);
    for (const title of rendered) expect(asked).toContain(thumbnailOf(Number(title?.replace('Document ', ''))));

    await scrollToEnd(scroller, 'Document 4999', host);
    await vi.waitFor(() => expect(asked).toContain(thumbnailOf(4999)));
    expect(asked.length).toBeLessThan(100);
    expect(asked).not.toContain(thumbnailOf(2500));
    expect(new Set(asked).size).toBe(asked.length);

    unmount();
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(revoked)).toEqual(new Set(created));
  });

  it('moves with the arrow keys and opens with Enter', async () => {
    const opened: string[] = [];
    const documents = generated(5000);
    const { host, scroller } = mount({ documents, onOpen: (id) => opened.push(id) });
    await vi.waitFor(() => expect(items(host).length).toBeGreaterThan(0));
    // One tab stop for the whole list.
    expect(host.querySelectorAll('[role="list"] [tabindex="0"]')).toHaveLength(1);
    host.querySelector<HTMLElement>('[role="list"] [tabindex="0"]')?.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement?.textContent).toBe('Document 1');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(document.activeElement?.textContent).toBe('Document 2');
    expect(document.activeElement?.getAttribute('tabindex')).toBe('0');
    expect(host.querySelectorAll('[role="list"] [tabindex="0"]')).toHaveLength(1);
    await userEvent.keyboard('{Enter}');
    expect(opened).toEqual(['doc-2']);

    await userEvent.keyboard('{End}');
    expect(document.activeElement?.textContent).toBe('Document 4999');
    await vi.waitFor(() => {
      const box = document.activeElement?.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      expect(box !== undefined && box.top >= view.top - 1 && box.bottom <= view.bottom + 1).toBe(true);
    });
    await userEvent.keyboard('{Home}');
    expect(document.activeElement?.textContent).toBe('Document 0');
  });

  it('keeps the tab stop rendered after it is scrolled away', async () => {
    const documents = generated(5000);
    const { host, scroller } = mount({ documents });
    await vi.waitFor(() => expect(items(host).length).toBeGreaterThan(0));
    await userEvent.click(host.querySelector<HTMLElement>('[data-position="3"] .doc-open') as HTMLElement);
    await scrollToEnd(scroller, 'Document 4999', host);
    const stop = host.querySelector<HTMLElement>('[role="list"] [tabindex="0"]');
    expect(stop?.textContent).toBe('Document 3');
  });

  it('moves across and down the grid', async () => {
    localStorage.setItem(LAYOUT_KEY, 'grid');
    const opened: string[] = [];
    const { host } = mount({ documents: generated(200), onOpen: (id) => opened.push(id) }, 800);
    await vi.waitFor(() => expect(host.querySelectorAll('.doc-card').length).toBeGreaterThan(4));
    host.querySelector<HTMLElement>('[role="list"] [tabindex="0"]')?.focus();
    // Five across at 800 px.
    await userEvent.keyboard('{ArrowRight}{ArrowDown}');
    expect(document.activeElement?.textContent).toBe('Document 6');
    await userEvent.keyboard('{ArrowLeft}{Enter}');
    expect(opened).toEqual(['doc-5']);
  });

  it('shows only the search hits, in the given order, with the matching words marked', async () => {
    const documents = [
      generatedDocument(0, { title: 'Bilan sanguin' }),
      generatedDocument(1, { title: 'Radio du genou' }),
      generatedDocument(2, { title: 'Bilan lipidique' }),
      generatedDocument(3, { title: 'Ordonnance' }),
    ];
    const hits = new Map([
      ['doc-2', { terms: ['bilan'] }],
      ['doc-0', { terms: ['bilan', 'sanguin'] }],
    ]);
    const { host } = mount({ documents, hits });
    await vi.waitFor(() => expect(titles(host)).toEqual(['Bilan sanguin', 'Bilan lipidique']));
    expect(count(host)).toBe('2 documents');
    expect([...host.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['Bilan', 'sanguin', 'Bilan']);
    // The button is named by the whole title.
    expect(host.querySelector('.doc-open')?.textContent).toBe('Bilan sanguin');
  });

  it('says so when there is nothing, and when the filters leave nothing', async () => {
    const empty = mount({ documents: [] });
    expect(empty.host.textContent).toContain('Aucun document pour l’instant.');
    expect(empty.host.querySelector('[role="list"]')).toBeNull();
    const hitless = mount({ documents: generated(5), hits: new Map() });
    expect(hitless.host.textContent).toContain('Aucun document pour l’instant.');
    expect(count(hitless.host)).toBe('Aucun document');
  });

  it('folds the filters into a disclosure at 360 px', async () => {
    const { host } = mount({ documents: generated(30) }, 360);
    const toggle = button(host, 'Filtres');
    const panel = host.querySelector<HTMLElement>('.browser-filters');
    expect(getComputedStyle(toggle).display).not.toBe('none');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe(panel?.id);
    expect(panel?.offsetParent).toBeNull();
    await userEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(panel?.offsetParent).not.toBeNull();
    await userEvent.selectOptions(select(host, 'Catégorie'), 'imaging');
    expect(button(host, 'Filtres (1 actif)').getAttribute('aria-expanded')).toBe('true');
    // Nothing wider than the screen.
    expect(host.scrollWidth).toBeLessThanOrEqual(360);
    await noAxeViolations(host);

    const wide = mount({ documents: generated(30) }, 900);
    expect(getComputedStyle(button(wide.host, 'Filtres')).display).toBe('none');
    expect(wide.host.querySelector<HTMLElement>('.browser-filters')?.offsetParent).not.toBeNull();
  });

  it('passes axe in the list and the grid, light and dark', async () => {
    const documents = generated(300);
    const { host } = mount({ documents, hits: new Map(documents.slice(0, 40).map((document) => [document.id, { terms: ['document'] }])) });
    await vi.waitFor(() => expect(host.querySelectorAll('.doc-preview img').length).toBeGreaterThan(3));
    await noAxeViolations(host);
    await userEvent.selectOptions(select(host, 'Catégorie'), 'biology');
    await userEvent.click(button(host, 'Grille'));
    await vi.waitFor(() => expect(host.querySelectorAll('.doc-card').length).toBeGreaterThan(0));
    await noAxeViolations(host);
    document.documentElement.dataset['theme'] = 'dark';
    try {
      await noAxeViolations(host);
    } finally {
      delete document.documentElement.dataset['theme'];
    }
  });
});

describe('the thumbnail cache', () => {
  function fakeUrls() {
    let serial = 0;
    const live = new Set<string>();
    const revoked: string[] = [];
    const urls: ObjectUrls = {
      create: () => {
        const url = `blob:test/${serial++}`;
        live.add(url);
        return url;
      },
      revoke: (url) => {
        if (!live.delete(url)) throw new Error(`revoked twice or never made: ${url}`);
        revoked.push(url);
      },
    };
    return { urls, live, revoked };
  }

  /** A read that waits until released, to watch what runs at once. */
  function gatedRead() {
    const waiting: { file: FileRef; release: (blob: Blob | null) => void }[] = [];
    const read = (file: FileRef) => new Promise<Blob | null>((release) => waiting.push({ file, release }));
    return { read, waiting };
  }

  const thumbnail = (i: number) => fileRef('thumbnail', 'webp', i);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('keeps the most recently used, revoking each one it drops', async () => {
    const { urls, live, revoked } = fakeUrls();
    const cache = createThumbnailCache({ read: async () => new Blob(['x']), capacity: 3, urls });
    const first = await cache.load(thumbnail(1));
    await cache.load(thumbnail(2));
    await cache.load(thumbnail(3));
    await cache.load(thumbnail(1)); // 1 is now the most recent; 2 goes next
    await cache.load(thumbnail(4));
    expect(cache.size()).toBe(3);
    expect(cache.peek(thumbnail(2))).toBeUndefined();
    expect(cache.peek(thumbnail(1))).toBe(first);
    expect(revoked).toEqual(['blob:test/1']);
    cache.clear();
    expect(live.size).toBe(0);
    expect(cache.size()).toBe(0);
  });

  it('reads four at a time, once per file, and never a request given up before its turn', async () => {
    const { urls } = fakeUrls();
    const { read, waiting } = gatedRead();
    const cache = createThumbnailCache({ read, urls });
    const controllers = Array.from({ length: 10 }, () => new AbortController());
    const loads = controllers.map((controller, i) => cache.load(thumbnail(i), controller.signal));
    const twice = cache.load(thumbnail(0));
    expect(waiting.map((entry) => entry.file.id)).toEqual([0, 1, 2, 3].map((i) => thumbnail(i).id));
    // Rows 4 to 7 scroll away before their turn.
    for (const i of [4, 5, 6, 7]) controllers[i]?.abort();
    for (const entry of waiting.splice(0)) entry.release(new Blob(['x']));
    await settle();
    expect(waiting.map((entry) => entry.file.id)).toEqual([8, 9].map((i) => thumbnail(i).id));
    for (const entry of waiting.splice(0)) entry.release(null);
    const urlsLoaded = await Promise.all(loads);
    expect(urlsLoaded.slice(0, 4).every((url) => url?.startsWith('blob:test/'))).toBe(true);
    expect(urlsLoaded.slice(4, 8)).toEqual([null, null, null, null]);
    expect(urlsLoaded.slice(8)).toEqual([null, null]);
    expect(await twice).toBe(urlsLoaded[0]);
    expect(waiting).toHaveLength(0);
  });

  it('revokes a read that lands after clear() instead of keeping it', async () => {
    const { urls, live } = fakeUrls();
    const { read, waiting } = gatedRead();
    const cache = createThumbnailCache({ read, urls });
    const pending = cache.load(thumbnail(1));
    cache.clear();
    expect(await pending).toBeNull();
    waiting[0]?.release(new Blob(['x']));
    await settle();
    expect(cache.size()).toBe(0);
    expect(live.size).toBe(0);
  });
});
