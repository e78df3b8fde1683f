/**
 * What Carnet keeps from a PDF when it is imported: its page count, its text for search, and a
 * thumbnail of the first page. The whole analysis (parsing, text extraction and drawing) runs
 * off the main thread, in analyse.worker.ts, which explains how pdf.js's display layer runs in a
 * worker; this module only posts jobs. Each job is bounded (worker-jobs.ts): a document that
 * takes longer than `timeoutMs`, or crashes the worker, is reported unreadable.
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { AnalyseOutcome, AnalysePayload } from './analyse-messages.ts';
import { pdfAssetUrls } from './assets.ts';
import type { PdfProblem } from './problem.ts';
import { createJobWorker } from './worker-jobs.ts';

export type { PdfProblem } from './problem.ts';

export interface PdfAnalysis {
  readonly pageCount: number;
  /** The text of every page, whitespace folded, pages separated by line breaks, at most `maxTextChars` long. */
  readonly text: string;
  /** The first page, at most 320 px wide, as image/webp; null when it could not be drawn. */
  readonly thumbnail: Blob | null;
}

export interface AnalysePdfOptions {
  /** Aborting rejects with the signal's reason (an AbortError) and stops the work at once. */
  readonly signal?: AbortSignal;
  readonly maxTextChars?: number;
  readonly timeoutMs?: number;
}

export const THUMBNAIL_WIDTH = 320;
const DEFAULT_MAX_TEXT_CHARS = 1_000_000;
const DEFAULT_TIMEOUT_MS = 120_000;

const analysis = createJobWorker<AnalysePayload, AnalyseOutcome>(
  () => new Worker(new URL('./analyse.worker.ts', import.meta.url), { type: 'module', name: 'carnet-pdf-analysis' }),
  10_000,
);

export async function analysePdf(data: Uint8Array | Blob, options: AnalysePdfOptions = {}): Promise<Result<PdfAnalysis, PdfProblem>> {
  // pdf.js takes ownership of the bytes it is given, so the caller's array is copied, not moved.
  const payload: AnalysePayload = {
    data: data instanceof Blob ? data : data.slice().buffer,
    maxTextChars: options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS,
    thumbnailWidth: THUMBNAIL_WIDTH,
    assets: pdfAssetUrls(),
  };
  const outcome = await analysis.run(payload, payload.data instanceof ArrayBuffer ? [payload.data] : [], {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: options.signal,
  });
  switch (outcome.type) {
    case 'timedOut':
      return err({ type: 'PdfUnreadable', detail: `the analysis took longer than ${outcome.timeoutMs} ms` });
    case 'crashed':
      return err({ type: 'PdfUnreadable', detail: `the analysis crashed: ${outcome.detail}` });
    case 'done': {
      const result = outcome.value;
      if (!result.ok) return err(result.problem);
      return ok({ pageCount: result.pageCount, text: result.text, thumbnail: result.thumbnail });
    }
  }
}

/** A one-page blank PDF, with its cross-reference table, to bring pdf.js up. */
function blankPdf(): Blob {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = body.length;
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  return new Blob([`${body}${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${body.length}\n%%EOF\n`], { type: 'application/pdf' });
}

let warming: Promise<void> | null = null;

/**
 * Starts the analysis workers and compiles pdf.js in them, so that the next import starts at
 * once: called when the patient opens the file picker or drags a file over the page, while they
 * choose. The workers stop by themselves after a while idle.
 */
export function warmPdfAnalysis(): Promise<void> {
  warming ??= analysePdf(blankPdf(), { timeoutMs: 30_000 }).then(
    () => {
      warming = null;
    },
    () => {
      warming = null;
    },
  );
  return warming;
}
