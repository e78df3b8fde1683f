/**
 * Where pdf.js's worker and data files are served from: always our own origin. A build bundles
 * the worker (pdfjs-core.worker.ts) and copies the data files to `pdfjs/` (see the pdfjs plugin
 * in vite.config.ts). The dev server and the browser tests serve both straight from the package,
 * as published: the worker file then needs no dependency pre-bundling, which would otherwise
 * start late, once a worker asks for it, and reload the page under a running test.
 */
// oxlint-disable-next-line import/default -- Vite's `?worker&url` gives the bundled worker's URL as the default export
import coreWorkerUrl from './pdfjs-core.worker.ts?worker&url';
import type { PdfAssetUrls } from './options.ts';

const PACKAGE = 'node_modules/pdfjs-dist/';
const DATA_DIR = import.meta.env.DEV ? PACKAGE : 'pdfjs/';
const WORKER = import.meta.env.DEV ? `${PACKAGE}build/pdf.worker.mjs` : coreWorkerUrl;

export function pdfAssetUrls(): PdfAssetUrls {
  const root = new URL(import.meta.env.BASE_URL, location.href);
  const data = new URL(DATA_DIR, root);
  return {
    worker: new URL(WORKER, root).href,
    cMaps: new URL('cmaps/', data).href,
    standardFonts: new URL('standard_fonts/', data).href,
    wasm: new URL('wasm/', data).href,
    iccs: new URL('iccs/', data).href,
  };
}
