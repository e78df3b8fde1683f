/**
 * Opening a PDF on the page, for the viewer. pdf.js (about 400 kB) is imported on first use
 * only, so the lock screen never loads it; its parser runs in pdf.js's worker (one per document,
 * ended with it). Opening is bounded like an analysis: a document that pdf.js cannot even start
 * reading within `timeoutMs` is reported unreadable and its worker ended.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { err, ok, type Result } from '../../core/result.ts';
import { pdfAssetUrls } from './assets.ts';
import { documentOptions } from './options.ts';
import { pdfProblemFromError, type PdfProblem } from './problem.ts';

export type PdfJs = typeof import('pdfjs-dist');

export interface OpenedPdf {
  readonly pdfjs: PdfJs;
  readonly document: PDFDocumentProxy;
  /** Ends the document and its worker; pending renders are cancelled. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
let loading: Promise<PdfJs> | null = null;

/** pdf.js's display layer, loaded once and pointed at our own copy of its worker. */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = pdfAssetUrls().worker;
    return pdfjs;
  });
  return loading;
}

export async function openPdf(data: Blob | Uint8Array, options: { timeoutMs?: number } = {}): Promise<Result<OpenedPdf, PdfProblem>> {
  const pdfjs = await loadPdfJs();
  // pdf.js takes ownership of (detaches) the bytes it is given: it gets its own copy.
  const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data.slice();
  const task = pdfjs.getDocument({ ...documentOptions(pdfAssetUrls()), data: bytes });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`pdf.js did not open the document within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const document = await Promise.race([task.promise, timeout]);
    return ok({ pdfjs, document, close: () => task.destroy() });
  } catch (error) {
    await task.destroy();
    return err(pdfProblemFromError(error));
  } finally {
    clearTimeout(timer);
  }
}
