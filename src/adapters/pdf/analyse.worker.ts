/**
 * Analyses a PDF entirely off the main thread: page count, the text of every page, and a
 * thumbnail of the first page encoded as WebP.
 *
 * pdf.js's display layer runs here, in a dedicated worker of ours, drawing on an
 * OffscreenCanvas. A worker has no DOM, so three things pdf.js takes from the document are given
 * to it through its public options instead:
 * - canvases are OffscreenCanvas (`CanvasFactory`);
 * - embedded fonts go to the worker's own FontFaceSet (`self.fonts`, which OffscreenCanvas text
 *   drawing uses): pdf.js is handed the worker global as its `ownerDocument`, as pdf.js's own
 *   renderer worker does;
 * - SVG filters need a DOM, so the filter factory answers "none": pdf.js then computes soft masks
 *   in software, as it does in Node, and only PDF transfer functions go unapplied, which a
 *   thumbnail does not show.
 * The parser runs in pdf.js's worker (pdfjs-core.worker.ts), nested in this one and given to
 * pdf.js as a port: left to itself, pdf.js would resolve its worker URL against
 * `window.location`, which a worker does not have, and fall back to parsing in this thread.
 *
 * The file is read whole, once, in this worker, and its bytes are moved (not copied) to pdf.js's
 * worker. Serving pdf.js byte ranges on demand saves nothing: its chunked stream allocates the
 * file's full length up front, and text extraction still loads every image a page draws (pdf.js
 * reads an object's whole stream to parse it), one round trip per object and a retry of the page
 * after each. On a 100-page scan that made the analysis about 2.5 times slower for the same memory.
 *
 * Jobs come through worker-jobs.ts: one at a time, and a document that takes too long has this
 * worker (and with it the nested one) terminated by the page.
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentLoadingTask, type PDFDocumentProxy } from 'pdfjs-dist';
import type { AnalyseOutcome, AnalysePayload } from './analyse-messages.ts';
import { documentOptions } from './options.ts';
import { pdfProblemFromError } from './problem.ts';
import { pageText } from './text.ts';
import { serveJobs } from './worker-jobs.ts';

declare const self: DedicatedWorkerGlobalScope;

interface CanvasAndContext {
  canvas: OffscreenCanvas | null;
  context: OffscreenCanvasRenderingContext2D | null;
}

/** pdf.js's canvas factory interface, over OffscreenCanvas. */
class OffscreenCanvasFactory {
  create(width: number, height: number): CanvasAndContext {
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    const canvas = new OffscreenCanvas(width, height);
    return { canvas, context: canvas.getContext('2d', { willReadFrequently: true }) };
  }

  reset(entry: CanvasAndContext, width: number, height: number): void {
    if (entry.canvas === null) throw new Error('Canvas is not specified');
    entry.canvas.width = width;
    entry.canvas.height = height;
  }

  destroy(entry: CanvasAndContext): void {
    if (entry.canvas !== null) entry.canvas.width = entry.canvas.height = 0;
    entry.canvas = null;
    entry.context = null;
  }

  getNoAlphaContext(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D | null {
    return canvas.getContext('2d', { alpha: false, willReadFrequently: true });
  }
}

/** pdf.js's filter factory interface, without SVG filters (see the module header). */
class NoFilterFactory {
  addFilter(): string {
    return 'none';
  }
  addHCMFilter(): string {
    return 'none';
  }
  addAlphaFilter(): string {
    return 'none';
  }
  addLuminosityFilter(): string {
    return 'none';
  }
  addKnockoutFilter(): string {
    return 'none';
  }
  addHighlightHCMFilter(): string {
    return 'none';
  }
  addSelectionHCMFilter(): string {
    return 'none';
  }
  addSelectionFilter(): string {
    return 'none';
  }
  createSelectionStyle(): null {
    return null;
  }
  destroy(): void {}
}

/** Page texts requested at once: pdf.js's worker answers one by one, the round trips overlap. */
const TEXT_PAGES_IN_FLIGHT = 8;

/** pdf.js's parser worker, started on the first job and kept for the next ones (pdf.js reuses a port). */
function startParser(workerUrl: string): void {
  GlobalWorkerOptions.workerPort ??= new Worker(workerUrl, { type: 'module', name: 'carnet-pdfjs' });
}

async function extractText(document: PDFDocumentProxy, maxChars: number): Promise<string> {
  const texts: string[] = [];
  let length = 0;
  const pageTextOf = async (number: number): Promise<string> => {
    const page = await document.getPage(number);
    try {
      return pageText((await page.getTextContent()).items);
    } finally {
      page.cleanup();
    }
  };
  for (let first = 1; first <= document.numPages && length < maxChars; first += TEXT_PAGES_IN_FLIGHT) {
    const last = Math.min(document.numPages, first + TEXT_PAGES_IN_FLIGHT - 1);
    const batch = await Promise.all(Array.from({ length: last - first + 1 }, (_, offset) => pageTextOf(first + offset)));
    for (const text of batch) {
      if (text === '') continue;
      texts.push(text);
      length += text.length + 1;
    }
  }
  return texts.join('\n').slice(0, maxChars);
}

/** The first page, at most `maxWidth` pixels wide (and four times that high), as WebP; null if it cannot be drawn. */
async function renderThumbnail(document: PDFDocumentProxy, maxWidth: number): Promise<Blob | null> {
  const page = await document.getPage(1);
  const factory = new OffscreenCanvasFactory();
  let entry: CanvasAndContext | null = null;
  try {
    const natural = page.getViewport({ scale: 1 });
    const scale = Math.min(maxWidth / natural.width, (maxWidth * 4) / natural.height);
    const viewport = page.getViewport({ scale });
    entry = factory.create(Math.max(1, Math.round(viewport.width)), Math.max(1, Math.round(viewport.height)));
    const { canvas, context } = entry;
    if (canvas === null || context === null) return null;
    await page.render({ canvas: null, canvasContext: context, viewport }).promise;
    return await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  } catch {
    // The text is still worth having when the drawing fails (an unsupported image, say).
    return null;
  } finally {
    if (entry !== null) factory.destroy(entry);
    page.cleanup();
  }
}

async function analyse(request: AnalysePayload): Promise<AnalyseOutcome> {
  let task: PDFDocumentLoadingTask | null = null;
  try {
    startParser(request.assets.worker);
    task = getDocument({
      ...documentOptions(request.assets),
      // pdf.js takes ownership of the bytes: they are this job's own.
      data: new Uint8Array(request.data instanceof Blob ? await request.data.arrayBuffer() : request.data),
      // See the module header: the worker global stands in for the document.
      ownerDocument: self,
      CanvasFactory: OffscreenCanvasFactory,
      FilterFactory: NoFilterFactory,
      isOffscreenCanvasSupported: true,
      disableWorkerRendering: true,
    });
    const document = await task.promise;
    const text = await extractText(document, request.maxTextChars);
    const thumbnail = await renderThumbnail(document, request.thumbnailWidth);
    return { ok: true, pageCount: document.numPages, text, thumbnail };
  } catch (error) {
    // Whatever pdf.js throws while reading the file says something about the file.
    return { ok: false, problem: pdfProblemFromError(error) };
  } finally {
    await task?.destroy();
  }
}

serveJobs<AnalysePayload, AnalyseOutcome>(self, async (payload) => ({ value: await analyse(payload) }));
