/**
 * The PDF engine and viewer in real Chromium: analysis (text, page count, thumbnail) entirely in
 * workers, the typed failures (password, damaged, truncated, too slow), JPEG 2000 through the
 * self-hosted OpenJPEG WebAssembly, and the viewer drawing pages, its text layer, zoom,
 * thumbnails, printing and clean-up. PDFs are made here with pdf-lib, except the encrypted one
 * (pdf-lib cannot encrypt), which is assembled by hand with the PDF standard security handler.
 */
import { concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState, StandardFonts } from 'pdf-lib';
import type { JSX } from 'solid-js';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { page as browserPage } from 'vitest/browser';
import { analysePdf } from '../../src/adapters/pdf/analyse.ts';
import { loadPdfJs } from '../../src/adapters/pdf/open.ts';
import { pdfAssetUrls } from '../../src/adapters/pdf/assets.ts';
import { PdfViewer } from '../../src/ui/components/PdfViewer.tsx';
import { mount as mountIn, unmountAll, until as untilIn } from './mount.tsx';
import n1 from '../fixtures/cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml?raw';
import { encryptedPdf } from './pdf-samples.ts';
import { dictionaryFor, loadFeatureWords } from '../../src/ui/i18n/i18n.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');

// ---------------------------------------------------------------------------------------------
// Test PDFs

const PAGES = [
  ['Compte rendu de biologie', 'Glycémie à jeun : 0,92 g/L'],
  ['Hémoglobine glyquée : 6,1 %', 'Créatinine : 8,4 mg/L'],
  ['Conclusion : bilan normal', 'Docteur Lemoine'],
];

async function textPdf(pages: readonly (readonly string[])[] = PAGES, size: [number, number] = [595, 842]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage(size);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: size[1] - 60 - i * 24, size: 16, font }));
  }
  return pdf.save();
}

/** The biology report inside the ANS's N1 CDA example: two pages of scanned images, no text. */
function n1Pdf(): Uint8Array {
  const match = /<text mediaType="application\/pdf" representation="B64">([^<]*)<\/text>/.exec(n1);
  if (match?.[1] === undefined) throw new Error('no PDF in the N1 CDA');
  return Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
}

/**
 * A 32 × 32 JPEG 2000 codestream of four flat quadrants (red, blue / green, yellow), made once
 * for this test: a PNG written with pngjs, then `opj_compress -i quadrants.png -o quadrants.j2k`
 * (OpenJPEG 2.5.0 from Debian's libopenjp2-tools, lossless defaults); `opj_decompress` gives
 * back the PNG's exact pixels. Kept inline (667 bytes) rather than in tests/fixtures, whose
 * files are all copies of the shared real-world samples.
 */
const QUADRANTS_J2K =
  '/0//UQAvAAAAAAAgAAAAIAAAAAAAAAAAAAAAIAAAACAAAAAAAAAAAAADBwEBBwEBBwEB/1IADAAAAAEBBQQEAAH/XAATQEBISFBISFBISFBISFBISFD/ZAAlAAFDcmVhdGVkIGJ5IE9wZW5KUEVHIHZlcnNpb24gMi41LjD/kAAKAAAAAAIcAAH/k8fUBAV/wCEDz7QMAf9/wfOCh9QDB9QEBD8EBB/H2gUfaBR+AEACvwnXBWfH2gU/ACn5gQAJrwhfBGPB84SD5wsB8gMMAiy3DdciLb8AD+HH2gkfaCwfUCgF8mG7DJs8WRkJf3TtH8/AFn4AsPtBQATx4yKhATQWWO4ALrKk08PqCIfUEwHyBRqb/LntZdiwIDCM34OkXzFbFq0u8pPH2hc/ALg+oIAXEeQIdMuTUBipayDcjt+soN+wA8zlFfwqnrE1lX/PwDJ+AXD7QcAWq6okT9sS/yStWBgPFs9DjNcq4C6HLxatLyQTV4jD6g2H1BsD5wxJIdkvMFmu7FFqNNXLKd4Ak/jhzkoMF+UADyQsQ+j9v8faIz8BKH2hACFtAawf481XaYGT4OFKcRR/KSDwJ/HDnJUBazMVbuag+Hl/JN1e6EtiHH/PwFJ+AnD7QkAkIdIAUlNJeaPEX5ubXEBMRY/AXwN62R1x3deXd+jaZbF8zyPBNn8kK29OPOf1vN/B84uH1CEB8gSTuec8psMlSnqbBYQKpYHYdEd6Yosgd/pKmjeDFQivx9ojPwEYPqBQNfI3nG9NRAUAeCfwn7QhSI+EICXB3PTRemKLIQAcp9zwwIL/RQe/z8BWfgJQ+0FAgxOPAmIzpFTu3G76XcEAaW30Zuc3Zq3ylN5ghB7sHFL58uU0Y4rDgxUKmL//2Q==';
const QUADRANTS = { topLeft: [220, 30, 30], topRight: [30, 60, 200], bottomLeft: [30, 160, 60], bottomRight: [240, 200, 20] } as const;

/** One square page filled by the JPEG 2000 image, as a /JPXDecode image XObject. */
async function jpxPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([300, 300]);
  const codestream = Uint8Array.from(atob(QUADRANTS_J2K), (c) => c.charCodeAt(0));
  const image = pdf.context.register(pdf.context.stream(codestream, { Type: 'XObject', Subtype: 'Image', Width: 32, Height: 32, Filter: 'JPXDecode' }));
  const name = page.node.newXObject('Im', image);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(300, 0, 0, 300, 0, 0), drawObject(name), popGraphicsState());
  return pdf.save();
}

// ---------------------------------------------------------------------------------------------
// Pixels

async function bitmapPixels(source: Blob | HTMLCanvasElement) {
  const bitmap = await createImageBitmap(source);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  return {
    width: bitmap.width,
    height: bitmap.height,
    at: (x: number, y: number) => Array.from(data.subarray((y * bitmap.width + x) * 4, (y * bitmap.width + x) * 4 + 3)),
    /** Pixels clearly darker than white paper. */
    inked: () => {
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) + (data[i + 1] ?? 255) + (data[i + 2] ?? 255) < 600) count++;
      return count;
    },
  };
}

function expectColour(actual: number[], expected: readonly number[]): void {
  actual.forEach((channel, i) => expect(Math.abs(channel - (expected[i] ?? 0)), `channel ${i} of ${actual.join(',')}`).toBeLessThanOrEqual(24));
}

// ---------------------------------------------------------------------------------------------
// Mounting the viewer

const mount = (ui: () => JSX.Element, width = 900) => mountIn(ui, width);
const until = <T,>(probe: () => T | null | undefined | false, timeoutMs = 15_000) => untilIn(probe, timeoutMs);

const pdfBlob = (bytes: Uint8Array) => new Blob([bytes.slice()], { type: 'application/pdf' });
const pageOf = (host: HTMLElement, n: number) => host.querySelectorAll<HTMLElement>('.pdf-page')[n - 1];
const drawnCanvas = (host: HTMLElement, n: number) => pageOf(host, n)?.querySelector('canvas') ?? null;
const button = (host: HTMLElement, name: string) =>
  [...host.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name || b.textContent === name) ?? null;

// ---------------------------------------------------------------------------------------------

describe('analysePdf', () => {
  it('counts the pages, extracts every page’s words in order and draws a WebP thumbnail of the first', async () => {
    const result = await analysePdf(await textPdf());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.pageCount).toBe(3);
    const words = PAGES.flat();
    let last = -1;
    for (const line of words) {
      const at = result.value.text.indexOf(line);
      expect(at, line).toBeGreaterThan(last);
      last = at;
    }
    expect(result.value.text).not.toMatch(/[ \t]{2}|\n{2}/);
    const thumbnail = result.value.thumbnail;
    expect(thumbnail?.type).toBe('image/webp');
    const image = await bitmapPixels(thumbnail ?? new Blob());
    expect(image.width).toBe(320);
    expect(image.height).toBe(Math.round((320 * 842) / 595));
    expect(image.inked()).toBeGreaterThan(200); // the title's letters
    expectColour(image.at(300, 440), [255, 255, 255]); // the paper
  });

  it('analyses the PDF inside the N1 CDA fixture: two pages of images, hence no text', async () => {
    const result = await analysePdf(pdfBlob(n1Pdf()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.pageCount).toBe(2);
    expect(result.value.text).toBe('');
    const image = await bitmapPixels(result.value.thumbnail ?? new Blob());
    expect(image.width).toBe(320);
    expect(image.inked()).toBeGreaterThan(1000);
  });

  it('reports a password-protected PDF as such, and the file is a genuine encrypted PDF', async () => {
    const bytes = encryptedPdf('secret', 'Confidentiel');
    expect(await analysePdf(bytes)).toEqual({ ok: false, error: { type: 'PdfPasswordProtected' } });
    // With its password pdf.js reads it: what Carnet refused is the password, not the file.
    const pdfjs = await loadPdfJs();
    const task = pdfjs.getDocument({ data: bytes.slice(), password: 'secret', verbosity: 0 });
    const document = await task.promise;
    const text = await (await document.getPage(1)).getTextContent();
    expect(text.items.map((item) => ('str' in item ? item.str : '')).join('')).toContain('Confidentiel');
    await task.destroy();
  });

  it('reports garbage, an empty file and truncated PDFs as unreadable, quickly', async () => {
    const whole = n1Pdf();
    const inputs = [
      new Uint8Array(5000).map((_, i) => (i * 7919) % 251),
      new Uint8Array(0),
      new TextEncoder().encode('%PDF-1.7\n'),
      ...[0.1, 0.5, 0.9].map((fraction) => whole.slice(0, Math.floor(whole.length * fraction))),
      (await textPdf()).slice(0, 600),
    ];
    const start = performance.now();
    for (const [i, input] of inputs.entries()) {
      const result = await analysePdf(input);
      expect(result.ok, `input ${i}: ${JSON.stringify(result).slice(0, 200)}`).toBe(false);
      if (!result.ok) expect(result.error.type).toBe('PdfUnreadable');
    }
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('still reads a PDF that lost only its last bytes: pdf.js rebuilds the cross-reference table', async () => {
    const whole = n1Pdf();
    const result = await analysePdf(whole.slice(0, whole.length - 300));
    expect(result.ok && result.value.pageCount).toBe(2);
  });

  it('bounds an analysis in time, then works again with a fresh worker', async () => {
    const bytes = await textPdf(Array.from({ length: 40 }, (_, i) => [`Page ${i + 1}`]));
    const slow = await analysePdf(bytes, { timeoutMs: 1 });
    expect(slow.ok).toBe(false);
    if (!slow.ok) expect(slow.error).toEqual({ type: 'PdfUnreadable', detail: 'the analysis took longer than 1 ms' });
    const again = await analysePdf(bytes);
    expect(again.ok && again.value.pageCount).toBe(40);
  });

  it('stops at once when aborted, and leaves the caller’s bytes untouched', async () => {
    const bytes = await textPdf();
    const copy = bytes.slice();
    const controller = new AbortController();
    const pending = analysePdf(bytes, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const alreadyAborted = analysePdf(bytes, { signal: AbortSignal.abort() });
    await expect(alreadyAborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(bytes).toEqual(copy); // not detached by the transfer to the worker
    expect((await analysePdf(bytes)).ok).toBe(true);
  });

  it('caps the text at maxTextChars', async () => {
    const result = await analysePdf(await textPdf(), { maxTextChars: 30 });
    expect(result.ok && result.value.text).toBe('Compte rendu de biologie\nGlycé');
  });

  it('keeps the page responsive: parsing, extraction and drawing all happen in workers', async () => {
    const bytes = await textPdf(Array.from({ length: 120 }, (_, i) => PAGES[i % 3] ?? []));
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    const result = await analysePdf(bytes);
    clearInterval(timer);
    expect(result.ok && result.value.pageCount).toBe(120);
    expect(gaps.length).toBeGreaterThan(5);
    expect(Math.max(...gaps)).toBeLessThan(150);
  });

  it('decodes JPEG 2000 with OpenJPEG’s WebAssembly, served from our own origin', async () => {
    const wasm = await fetch(`${pdfAssetUrls().wasm}openjpeg.wasm`);
    expect(new URL(wasm.url).origin).toBe(location.origin);
    expect(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer()))).toBe(true);
    const result = await analysePdf(await jpxPdf());
    expect(result.ok).toBe(true);
    const image = await bitmapPixels((result.ok && result.value.thumbnail) || new Blob());
    expect([image.width, image.height]).toEqual([320, 320]);
    expectColour(image.at(80, 80), QUADRANTS.topLeft);
    expectColour(image.at(240, 80), QUADRANTS.topRight);
    expectColour(image.at(80, 240), QUADRANTS.bottomLeft);
    expectColour(image.at(240, 240), QUADRANTS.bottomRight);
  });
});

describe('PdfViewer', () => {
  beforeEach(async () => {
    await browserPage.viewport(1280, 900);
  });

  it('draws the N1 fixture’s pages, with a thumbnail for each', async () => {
    const host = mount(() => <PdfViewer data={pdfBlob(n1Pdf())} title="Compte rendu" />);
    const canvas = await until(() => drawnCanvas(host, 1));
    expect(canvas.width).toBeGreaterThan(300);
    expect((await bitmapPixels(canvas)).inked()).toBeGreaterThan(1000);
    expect([...host.querySelectorAll('.pdf-page')].map((page) => page.getAttribute('aria-label'))).toEqual(['Page 1 sur 2', 'Page 2 sur 2']);
    const thumbnails = host.querySelectorAll('nav[aria-label="Miniatures des pages"] button');
    expect([...thumbnails].map((b) => b.getAttribute('aria-label'))).toEqual(['Aller à la page 1', 'Aller à la page 2']);
    await until(() => host.querySelector('.pdf-thumbnail canvas'));
  });

  it('lays a text layer over each page, whose words can be selected and copied', async () => {
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />);
    const layer = await until(() => pageOf(host, 1)?.querySelector('.pdf-text-layer'));
    expect(layer.textContent).toContain('Glycémie à jeun : 0,92 g/L');
    const selection = window.getSelection();
    selection?.selectAllChildren(layer);
    expect(selection?.toString()).toContain('Compte rendu de biologie');
    // The transparent text sits where the drawing is: the title run starts near the page's top left.
    const run = [...layer.querySelectorAll('span')].find((span) => span.textContent === 'Compte rendu de biologie');
    const page = pageOf(host, 1)?.getBoundingClientRect();
    const box = run?.getBoundingClientRect();
    expect(box && page && (box.left - page.left) / page.width).toBeCloseTo(50 / 595, 1);
    expect(box && page && (box.top - page.top) / page.height).toBeCloseTo(52 / 842, 1);
  });

  it('zooms with the buttons and the + and − keys, and fits the width', async () => {
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />, 700);
    await until(() => drawnCanvas(host, 1));
    const scroller = host.querySelector<HTMLElement>('.viewer-scroll');
    const pageWidth = () => pageOf(host, 1)?.getBoundingClientRect().width ?? 0;
    const fitted = pageWidth();
    expect(fitted).toBeGreaterThan((scroller?.clientWidth ?? 0) - 30);
    expect(fitted).toBeLessThanOrEqual(scroller?.clientWidth ?? 0);
    button(host, 'Agrandir')?.click();
    button(host, 'Agrandir')?.click();
    expect(pageWidth()).toBeGreaterThan(fitted * 1.05);
    scroller?.dispatchEvent(new KeyboardEvent('keydown', { key: '-', bubbles: true }));
    scroller?.dispatchEvent(new KeyboardEvent('keydown', { key: '-', bubbles: true }));
    expect(pageWidth()).toBeLessThan(fitted);
    expect(host.textContent).toMatch(/Zoom : \d+ %/);
    button(host, 'Ajuster à la largeur')?.click();
    expect(pageWidth()).toBeCloseTo(fitted, 0);
    // Redrawn at the new size, sharp: the canvas has as many pixels as its box (times the pixel ratio).
    await until(() => Math.abs((drawnCanvas(host, 1)?.width ?? 0) - Math.floor(pageWidth() * devicePixelRatio)) <= 2);
  });

  it('jumps to a page from its thumbnail and says which page is shown', async () => {
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />);
    await until(() => drawnCanvas(host, 1));
    expect(host.textContent).toContain('Page 1 sur 3');
    button(host, 'Aller à la page 3')?.click();
    expect(document.activeElement).toBe(pageOf(host, 3));
    await until(() => host.textContent?.includes('Page 3 sur 3'));
    expect(button(host, 'Aller à la page 3')?.getAttribute('aria-current')).toBe('page');
    await until(() => pageOf(host, 3)?.querySelector('.pdf-text-layer')?.textContent?.includes('Docteur Lemoine'));
  });

  it('fits a phone’s width (360 px), the thumbnails folded away and sliding over the pages when opened', async () => {
    await browserPage.viewport(360, 740);
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />, 360);
    await until(() => drawnCanvas(host, 1));
    const toggle = button(host, 'Afficher les miniatures');
    expect(toggle?.getAttribute('aria-expanded')).toBe('false');
    expect(host.querySelector('.pdf-thumbnails')).toBeNull();
    const scroller = host.querySelector<HTMLElement>('.viewer-scroll');
    expect(scroller?.getBoundingClientRect().width).toBeGreaterThan(300);
    await until(() => (pageOf(host, 1)?.getBoundingClientRect().width ?? 999) <= (scroller?.clientWidth ?? 0));
    expect(host.scrollWidth).toBeLessThanOrEqual(360); // nothing sticks out sideways
    toggle?.click();
    const sidebar = host.querySelector<HTMLElement>('.pdf-thumbnails');
    expect(sidebar && getComputedStyle(sidebar).position).toBe('absolute');
    expect(scroller?.getBoundingClientRect().width).toBeGreaterThan(300); // the pages keep their width
    button(host, 'Aller à la page 2')?.click();
    expect(host.querySelector('.pdf-thumbnails')).toBeNull();
    expect(document.activeElement).toBe(pageOf(host, 2));
  });

  it('draws only the pages near the view, and frees them when they leave it', async () => {
    const data = pdfBlob(await textPdf(Array.from({ length: 30 }, (_, i) => [`Page numéro ${i + 1}`])));
    const host = mount(() => <PdfViewer data={data} title="Long" />);
    await until(() => drawnCanvas(host, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const drawn = () => [...host.querySelectorAll('.pdf-page')].filter((page) => page.querySelector('canvas') !== null).length;
    expect(drawn()).toBeLessThan(10);
    const first = drawnCanvas(host, 1);
    button(host, 'Aller à la page 30')?.click();
    await until(() => drawnCanvas(host, 30));
    await until(() => drawnCanvas(host, 1) === null);
    expect(first?.width).toBe(0); // its memory given back
  });

  it('says a password-protected PDF cannot be shown, and tells the caller why', async () => {
    const onUnreadable = vi.fn();
    const host = mount(() => <PdfViewer data={pdfBlob(encryptedPdf('secret', 'Confidentiel'))} title="Protégé" onUnreadable={onUnreadable} />);
    const alert = await until(() => host.querySelector('[role="alert"]'));
    expect(alert.textContent).toBe(fr.viewer.pdfPasswordProtected);
    expect(onUnreadable).toHaveBeenCalledWith({ type: 'PdfPasswordProtected' });
  });

  it('says a damaged PDF cannot be shown', async () => {
    const onUnreadable = vi.fn();
    const data = pdfBlob((await textPdf()).slice(0, 700));
    const host = mount(() => <PdfViewer data={data} title="Abîmé" onUnreadable={onUnreadable} />);
    expect((await until(() => host.querySelector('[role="alert"]'))).textContent).toBe(fr.viewer.pdfUnreadable);
    expect(onUnreadable.mock.calls[0]?.[0]).toMatchObject({ type: 'PdfUnreadable' });
  });

  it('prints every page alone, then puts the screen back', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />);
    await until(() => drawnCanvas(host, 1));
    button(host, 'Imprimer')?.click();
    await until(() => print.mock.calls.length === 1);
    const sheet = document.querySelector('body > .document-print');
    const images = [...(sheet?.querySelectorAll('img') ?? [])];
    expect(images).toHaveLength(3);
    expect(document.body.classList.contains('printing-document')).toBe(true);
    for (const image of images) {
      expect(image.src).toMatch(/^blob:/);
      expect(image.naturalWidth).toBe(Math.floor((595 * 150) / 72));
    }
    const lastPage = await bitmapPixels(await (await fetch(images[2]?.src ?? '')).blob());
    expect(lastPage.inked()).toBeGreaterThan(200);
    window.dispatchEvent(new Event('afterprint'));
    expect(document.querySelector('.document-print')).toBeNull();
    expect(document.body.classList.contains('printing-document')).toBe(false);
    await expect(fetch(images[0]?.src ?? '')).rejects.toThrow(); // URLs revoked
    await until(() => button(host, 'Imprimer'));
    print.mockRestore();
  });

  it('frees every canvas when it closes', async () => {
    const data = pdfBlob(await textPdf());
    const host = mount(() => <PdfViewer data={data} title="Bilan" />);
    await until(() => host.querySelector('.pdf-thumbnail canvas') && drawnCanvas(host, 1));
    const canvases = [...host.querySelectorAll('canvas')];
    expect(canvases.length).toBeGreaterThan(1);
    unmountAll();
    expect(canvases.every((canvas) => canvas.width === 0 && canvas.height === 0)).toBe(true);
  });
});
