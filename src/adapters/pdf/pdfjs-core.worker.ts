/**
 * pdf.js's own worker, where a PDF's bytes are parsed: importing the module is enough, because
 * it answers the page (or our analysis worker) on `self` as soon as it loads in a worker scope.
 * It is a module of ours, not the prebuilt file copied as is, so that Vite bundles it like our
 * other workers and the service worker precaches it with them.
 */
// oxlint-disable-next-line import/no-unassigned-import -- evaluating pdf.js's worker module is the point
import 'pdfjs-dist/build/pdf.worker.mjs';
