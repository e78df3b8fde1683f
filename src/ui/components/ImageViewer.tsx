/**
 * An image shown in the page: JPEG, PNG and WebP through a blob: URL (revoked when the image
 * changes or the viewer closes), TIFF decoded off the main thread (adapters/image) and drawn on
 * a canvas. Zoom with the buttons or the + and − keys, fit to width (never enlarged beyond the
 * image's own size), and pan by scrolling or dragging.
 */
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { decodeTiff, type ImageFormat } from '../../adapters/image/thumbnail.ts';
import { useApp } from '../context.tsx';
import { Alert } from './Alert.tsx';
import './viewers.css';

const ZOOM_STEPS = [10, 25, 33, 50, 67, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400, 600, 800];
/** The stage's padding on each side, in CSS pixels (see viewers.css). */
const STAGE_PADDING = 8;

interface Size {
  readonly width: number;
  readonly height: number;
}

type Zoom = { readonly mode: 'fit' } | { readonly mode: 'percent'; readonly percent: number };

export function ImageViewer(props: { blob: Blob; format: ImageFormat; title: string; onUnreadable?: () => void }) {
  const { t } = useApp();
  const [url, setUrl] = createSignal<string | null>(null);
  const [natural, setNatural] = createSignal<Size | null>(null);
  const [failed, setFailed] = createSignal(false);
  const [zoom, setZoom] = createSignal<Zoom>({ mode: 'fit' });
  const [viewWidth, setViewWidth] = createSignal(0);
  let scroller!: HTMLDivElement;
  let canvas: HTMLCanvasElement | undefined = undefined;

  const fail = () => {
    setFailed(true);
    props.onUnreadable?.();
  };

  createEffect(
    on(
      () => [props.blob, props.format] as const,
      ([blob, format]) => {
        setNatural(null);
        setFailed(false);
        setZoom({ mode: 'fit' });
        if (format !== 'tiff') {
          const objectUrl = URL.createObjectURL(blob);
          setUrl(objectUrl);
          onCleanup(() => URL.revokeObjectURL(objectUrl));
          return;
        }
        setUrl(null);
        let disposed = false;
        decodeTiff(blob).then(
          (image) => {
            if (disposed) return;
            const context = canvas?.getContext('2d');
            if (image === null || canvas === undefined || context === null || context === undefined) return fail();
            canvas.width = image.width;
            canvas.height = image.height;
            context.putImageData(image, 0, 0);
            setNatural({ width: image.width, height: image.height });
          },
          (error: unknown) => {
            console.error('ImageViewer: TIFF decoding failed unexpectedly', error);
            if (!disposed) fail();
          },
        );
        onCleanup(() => {
          disposed = true;
          if (canvas !== undefined) canvas.width = canvas.height = 0;
        });
      },
    ),
  );

  onMount(() => {
    const resizes = new ResizeObserver(() => setViewWidth(scroller.clientWidth));
    resizes.observe(scroller);
    onCleanup(() => resizes.disconnect());
  });

  const scale = (): number => {
    const chosen = zoom();
    if (chosen.mode === 'percent') return chosen.percent / 100;
    const size = natural();
    if (size === null || viewWidth() === 0) return 1;
    return Math.min(1, (viewWidth() - 2 * STAGE_PADDING) / size.width);
  };
  const percent = () => Math.round(scale() * 100);
  const zoomIn = () => setZoom({ mode: 'percent', percent: ZOOM_STEPS.find((step) => step > percent() + 0.5) ?? ZOOM_STEPS.at(-1) ?? 800 });
  const zoomOut = () => setZoom({ mode: 'percent', percent: ZOOM_STEPS.findLast((step) => step < percent() - 0.5) ?? ZOOM_STEPS[0] ?? 10 });
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '+' || event.key === '=') zoomIn();
    else if (event.key === '-' || event.key === '−') zoomOut();
    else return;
    event.preventDefault();
  };
  const displayed = () => {
    const size = natural();
    return size === null ? {} : { width: `${Math.round(size.width * scale())}px`, height: `${Math.round(size.height * scale())}px` };
  };

  // Dragging with a mouse pans like scrolling does (touch screens pan natively).
  let drag: { x: number; y: number; left: number; top: number } | null = null;
  const onPointerDown = (event: PointerEvent) => {
    if (event.pointerType !== 'mouse' || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    scroller.setPointerCapture(event.pointerId);
    event.preventDefault();
  };
  const onPointerMove = (event: PointerEvent) => {
    if (drag === null) return;
    scroller.scrollLeft = drag.left - (event.clientX - drag.x);
    scroller.scrollTop = drag.top - (event.clientY - drag.y);
  };
  const endDrag = () => {
    drag = null;
  };

  return (
    <section class="viewer image-viewer" aria-label={props.title} onKeyDown={onKeyDown}>
      <Show when={!failed()} fallback={<Alert tone="error">{t().viewer.imageUnreadable}</Alert>}>
        <div class="viewer-toolbar" role="toolbar" aria-label={t().viewer.toolbar}>
          <button type="button" class="secondary" aria-label={t().viewer.zoomOut} title={t().viewer.zoomOut} onClick={zoomOut}>
            −
          </button>
          <span class="viewer-status">{t().viewer.zoomLevel(percent())}</span>
          <button type="button" class="secondary" aria-label={t().viewer.zoomIn} title={t().viewer.zoomIn} onClick={zoomIn}>
            +
          </button>
          <button type="button" class="secondary" aria-pressed={zoom().mode === 'fit'} onClick={() => setZoom({ mode: 'fit' })}>
            {t().viewer.fitWidth}
          </button>
        </div>
        <div class="viewer-body">
        <div
          ref={(element) => (scroller = element)}
          class="viewer-scroll"
          tabindex="0"
          role="region"
          aria-label={t().viewer.image(props.title)}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
        >
          <div class="image-stage">
            <Show when={props.format === 'tiff'} fallback={
              <Show when={url()}>
                {(src) => (
                  <img
                    src={src()}
                    alt={props.title}
                    draggable={false}
                    style={displayed()}
                    onLoad={(event) => setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })}
                    onError={fail}
                  />
                )}
              </Show>
            }>
              <canvas ref={(element) => (canvas = element)} role="img" aria-label={props.title} style={displayed()} />
            </Show>
          </div>
        </div>
        </div>
        <p class="hint">{t().viewer.keyboardHint}</p>
      </Show>
    </section>
  );
}
