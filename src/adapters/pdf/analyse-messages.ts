/** What the page and the PDF analysis worker (analyse.worker.ts) exchange, inside worker-jobs' envelope. */
import type { PdfAssetUrls } from './options.ts';
import type { PdfProblem } from './problem.ts';

export interface AnalysePayload {
  /** A Blob is passed by reference (no copy); bytes are transferred. */
  readonly data: Blob | ArrayBuffer;
  readonly maxTextChars: number;
  readonly thumbnailWidth: number;
  readonly assets: PdfAssetUrls;
}

export type AnalyseOutcome =
  | { readonly ok: true; readonly pageCount: number; readonly text: string; readonly thumbnail: Blob | null }
  | { readonly ok: false; readonly problem: PdfProblem };
