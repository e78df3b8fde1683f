/**
 * The PDF and image engines behind the app's Analysers port. Both are heavy (pdf.js is most of
 * a megabyte), so they load on first use, never with the lock screen.
 */
import type { Result } from '../core/result.ts';

export type PdfProblem = { readonly type: 'PdfPasswordProtected' } | { readonly type: 'PdfUnreadable'; readonly detail: string };
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

export interface PdfAnalysis {
  readonly pageCount: number;
  readonly text: string;
  readonly thumbnail: Blob | null;
}

export interface Analysers {
  pdf(data: Blob, options?: { readonly signal?: AbortSignal | undefined }): Promise<Result<PdfAnalysis, PdfProblem>>;
  imageThumbnail(data: Blob, format: ImageFormat): Promise<Blob | null>;
  /** Brings the PDF engine up ahead of an import (the picker is open, a file is dragged in). */
  warm(): Promise<void>;
}

export const lazyAnalysers: Analysers = {
  async pdf(data, options) {
    const { analysePdf } = await import('./pdf/analyse.ts');
    return analysePdf(data, options?.signal === undefined ? {} : { signal: options.signal });
  },
  async warm() {
    const { warmPdfAnalysis } = await import('./pdf/analyse.ts');
    await warmPdfAnalysis();
  },
  async imageThumbnail(data, format) {
    const { imageThumbnail } = await import('./image/thumbnail.ts');
    return imageThumbnail(data, format);
  },
};
