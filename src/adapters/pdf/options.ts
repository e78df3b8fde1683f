/**
 * The one set of options every Carnet document is opened with, in the page and in the analysis
 * worker alike. What must stay true:
 * - the document's content is data, never code: no XFA forms, and no scripting (pdf.js runs a
 *   PDF's JavaScript only through pdf.sandbox/QuickJS, which Carnet never loads or serves).
 *   pdf.js 6 has no `isEvalSupported` option any more: it no longer compiles PDF functions with
 *   `new Function`, so there is nothing to switch off (its builds contain no eval);
 * - nothing is fetched from anywhere but our own origin: the CMaps, standard fonts, ICC profile
 *   and WebAssembly decoders (JPEG 2000, JBIG2, colour management) are served by Carnet itself,
 *   and pdf.js's worker fetches them directly (`useWorkerFetch`, allowed by connect-src 'self');
 * - a hostile file cannot ask for unbounded memory: images above MAX_IMAGE_PIXELS are skipped.
 *
 * Kept free of pdf.js and of the DOM so that both threads can import it cheaply.
 */

/** Absolute URLs of pdf.js's worker script and of the directories of its data files (trailing slash). */
export interface PdfAssetUrls {
  readonly worker: string;
  readonly cMaps: string;
  readonly standardFonts: string;
  readonly wasm: string;
  readonly iccs: string;
}

/** 100 megapixels: an A3 page scanned at 600 dpi is 70. */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** pdf.js's VerbosityLevel.ERRORS: its warnings about damaged files are not ours to log. */
const VERBOSITY_ERRORS = 0;

export function documentOptions(assets: PdfAssetUrls) {
  return {
    cMapUrl: assets.cMaps,
    cMapPacked: true,
    standardFontDataUrl: assets.standardFonts,
    wasmUrl: assets.wasm,
    iccUrl: assets.iccs,
    useWorkerFetch: true,
    enableXfa: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: VERBOSITY_ERRORS,
  } as const;
}
