/**
 * A PDF shown in the page with pdf.js: pages drawn only as they scroll into view (and released
 * when they leave it), a text layer over each page so that text can be selected, copied and
 * read aloud, zoom (buttons, + and − keys, fit to width), page thumbnails that jump to a page
 * (collapsible, and sliding over the pages on a phone), and printing of every page.
 *
 * What the document holds is data only: no annotation layer is built, so a PDF's links, form
 * fields and actions do nothing here, and no script ever runs (see adapters/pdf/options.ts).
 * pdf.js is loaded on first use; pages are drawn on this thread, in slices pdf.js schedules
 * with requestAnimationFrame, while parsing stays in pdf.js's worker.
 */
import type { PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist';
import { createEffect, createSignal, createUniqueId, For, Match, on, onCleanup, onMount, Show, Switch, type Accessor } from 'solid-js';
import { openPdf, type OpenedPdf, type PdfJs } from '../../adapters/pdf/open.ts';
import type { PdfProblem } from '../../adapters/pdf/problem.ts';
import { useApp } from '../context.tsx';
import { printImages } from '../print.ts';
import { Alert } from './Alert.tsx';
import './viewers.css';

/** CSS pixels per PDF point at 100 %: a page is shown at its printed size (96 dpi / 72 points per inch). */
const CSS_PER_POINT = 96 / 72;
const ZOOM_STEPS = [25, 33, 50, 67, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400];
/** A canvas larger than this (16 megapixels) is drawn at a lower resolution: memory matters more than sharpness there. */
const MAX_CANVAS_PIXELS = 16_777_216;
const THUMBNAIL_WIDTH = 96;
const PRINT_DPI = 150;

interface PageSize {
  /** In PDF points, at 100 %, rotation applied. */
  readonly width: number;
  readonly height: number;
}

type Zoom = { readonly mode: 'fit' } | { readonly mode: 'percent'; readonly percent: number };

type ViewerState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly pdf: OpenedPdf }
  | { readonly status: 'failed'; readonly problem: PdfProblem | null };

export function PdfViewer(props: { data: Blob; title: string; onUnreadable?: (problem: PdfProblem) => void }) {
  const { t } = useApp();
  const [state, setState] = createSignal<ViewerState>({ status: 'loading' });
  createEffect(
    on(
      () => props.data,
      (data) => {
        let disposed = false;
        let opened: OpenedPdf | null = null;
        setState({ status: 'loading' });
        openPdf(data).then(
          (result) => {
            if (disposed) {
              if (result.ok) void result.value.close();
            } else if (result.ok) {
              opened = result.value;
              setState({ status: 'ready', pdf: result.value });
            } else {
              setState({ status: 'failed', problem: result.error });
              props.onUnreadable?.(result.error);
            }
          },
          (error: unknown) => {
            console.error('PdfViewer: opening failed unexpectedly', error);
            if (!disposed) setState({ status: 'failed', problem: null });
          },
        );
        onCleanup(() => {
          disposed = true;
          void opened?.close();
        });
      },
    ),
  );
  const ready = () => {
    const current = state();
    return current.status === 'ready' ? current.pdf : undefined;
  };
  const failure = () => {
    const current = state();
    return current.status === 'failed' ? current.problem : undefined;
  };
  return (
    <div class="viewer pdf-viewer">
      <Switch>
        <Match when={state().status === 'loading'}>
          <p role="status">{t().viewer.loading}</p>
        </Match>
        <Match when={failure() !== undefined}>
          <Alert tone="error">
            {failure()?.type === 'PdfPasswordProtected'
              ? t().viewer.pdfPasswordProtected
              : failure() === null
                ? t().viewer.unexpected
                : t().viewer.pdfUnreadable}
          </Alert>
        </Match>
        {/* Keyed: the view's cleanup reads its document after `ready` has been cleared. */}
        <Match when={ready()} keyed>
          {(pdf) => <PdfDocumentView pdfjs={pdf.pdfjs} document={pdf.document} title={props.title} />}
        </Match>
      </Switch>
    </div>
  );
}

function PdfDocumentView(props: { pdfjs: PdfJs; document: PDFDocumentProxy; title: string }) {
  const { t } = useApp();
  const pageCount = props.document.numPages;
  const numbers = Array.from({ length: pageCount }, (_, i) => i + 1);
  // Pages are laid out at the first page's size until each is fetched: most documents have one size.
  const [firstSize, setFirstSize] = createSignal<PageSize | null>(null);
  const sizes = numbers.map(() => createSignal<PageSize | null>(null));
  const sizeOf = (number: number): PageSize | null => sizes[number - 1]?.[0]() ?? firstSize();
  const setSize = (number: number, size: PageSize) => sizes[number - 1]?.[1](size);
  const [zoom, setZoom] = createSignal<Zoom>({ mode: 'fit' });
  const [viewWidth, setViewWidth] = createSignal(0);
  const [current, setCurrent] = createSignal(1);
  const [sidebarOpen, setSidebarOpen] = createSignal(!window.matchMedia('(max-width: 600px)').matches);
  const [printing, setPrinting] = createSignal(false);
  const [printFailed, setPrintFailed] = createSignal(false);
  const sidebarId = createUniqueId();
  let scroller!: HTMLDivElement;
  const pageElements: HTMLElement[] = [];

  onMount(() => {
    props.document.getPage(1).then(
      (page) => setFirstSize(naturalSize(page)),
      () => undefined, // a document closed meanwhile
    );
    const resizes = new ResizeObserver(() => setViewWidth(scroller.clientWidth));
    resizes.observe(scroller);
    onCleanup(() => resizes.disconnect());
  });

  /** CSS pixels per PDF point. */
  const scale = (): number => {
    const chosen = zoom();
    if (chosen.mode === 'percent') return (chosen.percent / 100) * CSS_PER_POINT;
    const size = firstSize();
    // The width less the pages' padding (0.75rem each side), and never below 25 %.
    return size === null || viewWidth() === 0 ? CSS_PER_POINT : Math.max(0.25 * CSS_PER_POINT, (viewWidth() - 24) / size.width);
  };
  const percent = () => Math.round((scale() / CSS_PER_POINT) * 100);

  const zoomTo = (next: Zoom) => {
    // Keep the same part of the document in view across the change of size.
    const ratio = scroller.scrollHeight > 0 ? scroller.scrollTop / scroller.scrollHeight : 0;
    setZoom(next);
    scroller.scrollTop = ratio * scroller.scrollHeight;
  };
  const zoomIn = () => zoomTo({ mode: 'percent', percent: ZOOM_STEPS.find((step) => step > percent() + 0.5) ?? ZOOM_STEPS.at(-1) ?? 400 });
  const zoomOut = () => zoomTo({ mode: 'percent', percent: ZOOM_STEPS.findLast((step) => step < percent() - 0.5) ?? ZOOM_STEPS[0] ?? 25 });

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return; // the browser's own zoom
    if (event.key === '+' || event.key === '=') zoomIn();
    else if (event.key === '-' || event.key === '−') zoomOut();
    else return;
    event.preventDefault();
  };

  let scrollFrame = 0;
  const onScroll = () => {
    if (scrollFrame !== 0) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      // The current page is the first one whose bottom is below a third of the view.
      const line = scroller.scrollTop + scroller.clientHeight / 3;
      const index = pageElements.findIndex((element) => element.offsetTop + element.offsetHeight > line);
      setCurrent(index === -1 ? pageCount : index + 1);
    });
  };
  onCleanup(() => {
    cancelAnimationFrame(scrollFrame);
    props.pdfjs.TextLayer.cleanup(); // the hidden canvases it measures text with
  });

  const goToPage = (number: number) => {
    const element = pageElements[number - 1];
    if (element === undefined) return;
    scroller.scrollTop = element.offsetTop - 12;
    setCurrent(number);
    element.focus({ preventScroll: true });
    if (window.matchMedia('(max-width: 600px)').matches) setSidebarOpen(false);
  };

  const print = async () => {
    setPrinting(true);
    setPrintFailed(false);
    try {
      await printImages(await renderAllPages(props.document), props.title);
    } catch (error) {
      console.error('PdfViewer: printing failed', error);
      setPrintFailed(true);
    } finally {
      setPrinting(false);
    }
  };

  // A page is drawn while within a screen's height of the view.
  const observePage = createVisibilityObserver(() => scroller, '100% 0px');

  return (
    <section class="viewer-document" aria-label={props.title} onKeyDown={onKeyDown}>
      <div class="viewer-toolbar" role="toolbar" aria-label={t().viewer.toolbar}>
        <button
          type="button"
          class="secondary"
          aria-expanded={sidebarOpen()}
          aria-controls={sidebarId}
          onClick={() => setSidebarOpen(!sidebarOpen())}
        >
          {sidebarOpen() ? t().viewer.hideThumbnails : t().viewer.showThumbnails}
        </button>
        <button type="button" class="secondary" aria-label={t().viewer.zoomOut} title={t().viewer.zoomOut} onClick={zoomOut}>
          −
        </button>
        <span class="viewer-status">{t().viewer.zoomLevel(percent())}</span>
        <button type="button" class="secondary" aria-label={t().viewer.zoomIn} title={t().viewer.zoomIn} onClick={zoomIn}>
          +
        </button>
        <button type="button" class="secondary" aria-pressed={zoom().mode === 'fit'} onClick={() => zoomTo({ mode: 'fit' })}>
          {t().viewer.fitWidth}
        </button>
        <span class="viewer-status">{t().viewer.pageOf(current(), pageCount)}</span>
        <span class="viewer-spacer" />
        <button type="button" class="secondary" disabled={printing()} onClick={() => void print()}>
          {printing() ? t().viewer.preparingPrint : t().viewer.print}
        </button>
      </div>
      <p class="visually-hidden" role="status">
        {printing() ? t().viewer.preparingPrint : ''}
      </p>
      <Show when={printFailed()}>
        <Alert tone="error">{t().viewer.printFailed}</Alert>
      </Show>
      <div class="viewer-body">
        <Show when={sidebarOpen()}>
          <nav id={sidebarId} class="pdf-thumbnails" aria-label={t().viewer.thumbnails}>
            <ThumbnailList document={props.document} numbers={numbers} current={current} sizeOf={sizeOf} onSelect={goToPage} />
          </nav>
        </Show>
        <div
          ref={(element) => (scroller = element)}
          class="viewer-scroll"
          tabindex="0"
          role="region"
          aria-label={t().viewer.pages(props.title)}
          aria-describedby={`${sidebarId}-hint`}
          onScroll={onScroll}
        >
          <div class="pdf-pages" style={{ '--total-scale-factor': String(scale()) }}>
            <For each={numbers}>
              {(number) => (
                <PdfPage
                  pdfjs={props.pdfjs}
                  document={props.document}
                  number={number}
                  label={t().viewer.pageOf(number, pageCount)}
                  scale={scale}
                  size={() => sizeOf(number)}
                  onSize={(size) => setSize(number, size)}
                  ref={(element) => {
                    pageElements[number - 1] = element;
                  }}
                  observe={observePage}
                />
              )}
            </For>
          </div>
        </div>
      </div>
      <p id={`${sidebarId}-hint`} class="hint">
        {t().viewer.keyboardHint}
      </p>
    </section>
  );
}

function PdfPage(props: {
  pdfjs: PdfJs;
  document: PDFDocumentProxy;
  number: number;
  label: string;
  scale: Accessor<number>;
  size: Accessor<PageSize | null>;
  onSize: (size: PageSize) => void;
  ref: (element: HTMLElement) => void;
  observe: (element: Element, onChange: (visible: boolean) => void) => void;
}) {
  let element!: HTMLDivElement;
  const [visible, setVisible] = createSignal(false);
  onMount(() => props.observe(element, setVisible));

  createEffect(() => {
    if (!visible()) return;
    const scale = props.scale();
    let disposed = false;
    let task: RenderTask | null = null;
    let textLayer: InstanceType<PdfJs['TextLayer']> | null = null;
    const draw = async () => {
      const page = await props.document.getPage(props.number);
      if (disposed) return;
      props.onSize(naturalSize(page));
      const viewport = page.getViewport({ scale });
      const canvas = document.createElement('canvas');
      const output = outputScale(viewport.width, viewport.height);
      canvas.width = Math.max(1, Math.floor(viewport.width * output));
      canvas.height = Math.max(1, Math.floor(viewport.height * output));
      canvas.setAttribute('aria-hidden', 'true');
      task = page.render({ canvas, viewport, ...(output === 1 ? {} : { transform: [output, 0, 0, output, 0, 0] }) });
      try {
        await task.promise;
      } catch (error) {
        releaseCanvas(canvas);
        throw error;
      }
      if (disposed) return releaseCanvas(canvas);
      // The new drawing replaces the old one only once complete, so zooming never flashes blank.
      replaceLayer(element, 'canvas', canvas);
      const layer = document.createElement('div');
      layer.className = 'pdf-text-layer';
      textLayer = new props.pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: layer, viewport });
      await textLayer.render();
      if (!disposed) replaceLayer(element, '.pdf-text-layer', layer);
    };
    draw().catch((error: unknown) => {
      // Cancelled by a newer zoom or by leaving the view, or a document closed meanwhile.
      if (!disposed) console.warn(`PdfViewer: page ${props.number} could not be drawn`, error);
    });
    onCleanup(() => {
      disposed = true;
      task?.cancel();
      textLayer?.cancel();
    });
  });
  // A page far from the view gives its memory back.
  createEffect(() => {
    if (!visible()) releaseLayers(element);
  });
  onCleanup(() => releaseLayers(element));

  return (
    <div
      ref={(el) => {
        element = el;
        props.ref(el);
      }}
      class="pdf-page"
      role="group"
      tabindex="-1"
      aria-label={props.label}
      style={pageBox(props.size(), props.scale())}
    />
  );
}

function ThumbnailList(props: {
  document: PDFDocumentProxy;
  numbers: readonly number[];
  current: Accessor<number>;
  sizeOf: (number: number) => PageSize | null;
  onSelect: (number: number) => void;
}) {
  const { t } = useApp();
  let list!: HTMLOListElement;
  const observe = createVisibilityObserver(() => list.parentElement ?? list, '50% 0px');
  return (
    <ol ref={(element) => (list = element)}>
      <For each={props.numbers}>
        {(number) => {
          let box!: HTMLSpanElement;
          const [visible, setVisible] = createSignal(false);
          onMount(() => observe(box, setVisible));
          createEffect(() => {
            if (!visible()) return releaseLayers(box);
            let disposed = false;
            let task: RenderTask | null = null;
            const draw = async () => {
              const page = await props.document.getPage(number);
              if (disposed) return;
              const viewport = page.getViewport({ scale: THUMBNAIL_WIDTH / naturalSize(page).width });
              const canvas = document.createElement('canvas');
              const output = outputScale(viewport.width, viewport.height);
              canvas.width = Math.max(1, Math.floor(viewport.width * output));
              canvas.height = Math.max(1, Math.floor(viewport.height * output));
              task = page.render({ canvas, viewport, ...(output === 1 ? {} : { transform: [output, 0, 0, output, 0, 0] }) });
              await task.promise;
              if (disposed) return releaseCanvas(canvas);
              replaceLayer(box, 'canvas', canvas);
            };
            draw().catch(() => undefined); // cancelled, or the document closed meanwhile
            onCleanup(() => {
              disposed = true;
              task?.cancel();
            });
          });
          onCleanup(() => releaseLayers(box));
          return (
            <li>
              <button
                type="button"
                aria-label={t().viewer.goToPage(number)}
                aria-current={props.current() === number ? 'page' : undefined}
                onClick={() => props.onSelect(number)}
              >
                <span ref={(element) => (box = element)} class="pdf-thumbnail" style={thumbnailBox(props.sizeOf(number))} />
                <span aria-hidden="true">{number}</span>
              </button>
            </li>
          );
        }}
      </For>
    </ol>
  );
}

/**
 * One IntersectionObserver for many elements inside a scrolling `root`, created on first use
 * (once the root exists); `observe` is called from a component and stops with it.
 */
function createVisibilityObserver(root: () => Element, rootMargin: string) {
  const callbacks = new Map<Element, (visible: boolean) => void>();
  let observer: IntersectionObserver | null = null;
  onCleanup(() => observer?.disconnect());
  return (element: Element, onChange: (visible: boolean) => void) => {
    observer ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting);
      },
      { root: root(), rootMargin },
    );
    const active = observer;
    callbacks.set(element, onChange);
    active.observe(element);
    onCleanup(() => {
      active.unobserve(element);
      callbacks.delete(element);
    });
  };
}

function naturalSize(page: PDFPageProxy): PageSize {
  const viewport = page.getViewport({ scale: 1 });
  return { width: viewport.width, height: viewport.height };
}

/** Device pixels per CSS pixel for a drawing, capped so that one canvas stays within MAX_CANVAS_PIXELS. */
function outputScale(width: number, height: number): number {
  const ratio = window.devicePixelRatio || 1;
  return Math.min(ratio, Math.sqrt(MAX_CANVAS_PIXELS / Math.max(1, width * height)));
}

function pageBox(size: PageSize | null, scale: number): Record<string, string> {
  // A4 until the first page is known, so that the layout does not jump more than once.
  const { width, height } = size ?? { width: 595, height: 842 };
  return { width: `${Math.floor(width * scale)}px`, height: `${Math.floor(height * scale)}px` };
}

function thumbnailBox(size: PageSize | null): Record<string, string> {
  const { width, height } = size ?? { width: 595, height: 842 };
  return { width: `${THUMBNAIL_WIDTH}px`, height: `${Math.round((THUMBNAIL_WIDTH * height) / width)}px` };
}

function releaseCanvas(canvas: HTMLCanvasElement): void {
  // Zero-sized, a canvas's backing store is freed at once rather than at garbage collection.
  canvas.width = 0;
  canvas.height = 0;
}

function replaceLayer(parent: Element, selector: string, next: HTMLElement): void {
  const previous = parent.querySelector(`:scope > ${selector}`);
  if (previous instanceof HTMLCanvasElement) releaseCanvas(previous);
  if (previous === null) parent.append(next);
  else previous.replaceWith(next);
}

function releaseLayers(parent: Element): void {
  for (const canvas of parent.querySelectorAll('canvas')) releaseCanvas(canvas);
  parent.replaceChildren();
}

/** Every page drawn for paper at PRINT_DPI, one after the other, each canvas freed once encoded. */
async function renderAllPages(pdf: PDFDocumentProxy): Promise<Blob[]> {
  const pages: Blob[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const viewport = page.getViewport({ scale: PRINT_DPI / 72 });
    const canvas = document.createElement('canvas');
    const output = Math.min(1, Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height)));
    canvas.width = Math.floor(viewport.width * output);
    canvas.height = Math.floor(viewport.height * output);
    try {
      await page.render({ canvas, viewport, intent: 'print', ...(output === 1 ? {} : { transform: [output, 0, 0, output, 0, 0] }) }).promise;
      pages.push(
        await new Promise<Blob>((resolve, reject) =>
          canvas.toBlob((blob) => (blob === null ? reject(new Error(`page ${number} could not be encoded`)) : resolve(blob)), 'image/png'),
        ),
      );
    } finally {
      releaseCanvas(canvas);
      page.cleanup();
    }
  }
  return pages;
}
