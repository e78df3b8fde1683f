/**
 * Image thumbnails and TIFF decoding, in the image worker of real Chromium: each format a
 * patient may import gives a small WebP, a TIFF (which browsers cannot show) decodes to its
 * pixels, and a damaged file gives null rather than an error or a hang. Then the two other
 * viewers: ImageViewer (zoom, TIFF on a canvas, blob: URLs revoked) and TextViewer (text only,
 * never markup; UTF-8 or Windows-1252).
 */
import type { JSX } from 'solid-js';
import UTIF from 'utif';
import { describe, expect, it, vi } from 'vitest';
import { decodeTiff, imageThumbnail } from '../../src/adapters/image/thumbnail.ts';
import { ImageViewer } from '../../src/ui/components/ImageViewer.tsx';
import { decodeText, TextViewer } from '../../src/ui/components/TextViewer.tsx';
import { mount as mountIn, unmountAll, until as untilIn } from './mount.tsx';
import { dictionaryFor, loadFeatureWords } from '../../src/ui/i18n/i18n.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');

const RED = [220, 30, 30] as const;
const BLUE = [30, 60, 200] as const;

/** A picture whose left half is red and right half blue, encoded by the browser itself. */
async function picture(width: number, height: number, type: 'image/png' | 'image/jpeg' | 'image/webp'): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.fillStyle = `rgb(${RED.join(',')})`;
  context.fillRect(0, 0, width / 2, height);
  context.fillStyle = `rgb(${BLUE.join(',')})`;
  context.fillRect(width / 2, 0, width / 2, height);
  return canvas.convertToBlob({ type, quality: 0.95 });
}

function halvesRgba(width: number, height: number): Uint8Array<ArrayBuffer> {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = x < width / 2 ? RED : BLUE;
      rgba.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return rgba;
}

async function pixels(blob: Blob): Promise<{ width: number; height: number; at(x: number, y: number): number[] }> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  return {
    width: bitmap.width,
    height: bitmap.height,
    at: (x, y) => Array.from(data.subarray((y * bitmap.width + x) * 4, (y * bitmap.width + x) * 4 + 3)),
  };
}

function expectColour(actual: number[], expected: readonly number[]): void {
  actual.forEach((channel, i) => expect(Math.abs(channel - (expected[i] ?? 0))).toBeLessThanOrEqual(24));
}

describe('image thumbnails', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const)('makes a 320 px WebP from a large %s, keeping its proportions and colours', async (format, type) => {
    const thumbnail = await imageThumbnail(await picture(1600, 1200, type), format);
    expect(thumbnail?.type).toBe('image/webp');
    const image = await pixels(thumbnail ?? new Blob());
    expect([image.width, image.height]).toEqual([320, 240]);
    expectColour(image.at(40, 120), RED);
    expectColour(image.at(280, 120), BLUE);
  });

  it('never enlarges a small image, and caps a very tall one', async () => {
    const small = await pixels((await imageThumbnail(await picture(100, 60, 'image/png'), 'png')) ?? new Blob());
    expect([small.width, small.height]).toEqual([100, 60]);
    const tall = await pixels((await imageThumbnail(await picture(400, 8000, 'image/png'), 'png')) ?? new Blob());
    expect(tall.height).toBe(1280);
    expect(tall.width).toBe(64);
  });

  it('makes a thumbnail of a TIFF, which the browser itself cannot decode', async () => {
    const tiff = new Blob([UTIF.encodeImage(halvesRgba(640, 400), 640, 400)], { type: 'image/tiff' });
    await expect(createImageBitmap(tiff)).rejects.toThrow();
    const image = await pixels((await imageThumbnail(tiff, 'tiff')) ?? new Blob());
    expect([image.width, image.height]).toEqual([320, 200]);
    expectColour(image.at(40, 100), RED);
    expectColour(image.at(280, 100), BLUE);
  });

  it('gives null for a damaged image of each format', async () => {
    const png = new Uint8Array(await (await picture(64, 64, 'image/png')).arrayBuffer());
    const truncatedPng = new Blob([png.slice(0, 40)]);
    const garbage = new Blob([new Uint8Array(4096).map((_, i) => (i * 7919) % 251)]);
    expect(await imageThumbnail(truncatedPng, 'png')).toBeNull();
    expect(await imageThumbnail(garbage, 'jpeg')).toBeNull();
    expect(await imageThumbnail(garbage, 'webp')).toBeNull();
    expect(await imageThumbnail(garbage, 'tiff')).toBeNull();
    expect(await imageThumbnail(new Blob([]), 'png')).toBeNull();
  });

  it('still works after a job was aborted', async () => {
    const controller = new AbortController();
    const pending = imageThumbnail(await picture(4000, 3000, 'image/png'), 'png', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(await imageThumbnail(await picture(64, 64, 'image/png'), 'png')).not.toBeNull();
  });
});

describe('TIFF decoding', () => {
  it('decodes the first image of a TIFF to its exact pixels', async () => {
    const rgba = halvesRgba(6, 4);
    const image = await decodeTiff(new Uint8Array(UTIF.encodeImage(rgba, 6, 4)));
    expect(image).toBeInstanceOf(ImageData);
    expect([image?.width, image?.height]).toEqual([6, 4]);
    expect(Array.from(image?.data ?? [])).toEqual(Array.from(rgba));
  });

  it('decodes a TIFF handed over as a Blob, and leaves the caller’s bytes intact', async () => {
    const bytes = new Uint8Array(UTIF.encodeImage(halvesRgba(8, 8), 8, 8));
    const copy = bytes.slice();
    expect((await decodeTiff(bytes))?.width).toBe(8);
    expect(bytes).toEqual(copy);
    expect((await decodeTiff(new Blob([bytes])))?.height).toBe(8);
  });

  it('gives null for what is not a TIFF, a truncated one, or one claiming billions of pixels', async () => {
    const tiff = new Uint8Array(UTIF.encodeImage(halvesRgba(64, 64), 64, 64));
    expect(await decodeTiff(new TextEncoder().encode('not a tiff at all'))).toBeNull();
    expect(await decodeTiff(tiff.slice(0, 100))).toBeNull();
    // The width tag (256) is the first entry of the IFD at offset 8, written big-endian as a LONG.
    const huge = tiff.slice();
    const view = new DataView(huge.buffer);
    const entry = 8 + 2;
    expect(view.getUint16(entry)).toBe(256);
    view.setUint16(entry + 2, 4); // LONG
    view.setUint32(entry + 8, 4_000_000);
    expect(await decodeTiff(huge)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// The viewers

const mount = (ui: () => JSX.Element, width = 800) => mountIn(ui, width);
const until = <T,>(probe: () => T | null | undefined | false, timeoutMs = 10_000) => untilIn(probe, timeoutMs);

const button = (host: HTMLElement, name: string) =>
  [...host.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name || b.textContent === name) ?? null;

describe('ImageViewer', () => {
  it('shows a photo fitted to the width, zooms with buttons and keys, and revokes its URL when closed', async () => {
    const blob = await picture(1600, 1200, 'image/jpeg');
    const host = mount(() => <ImageViewer blob={blob} format="jpeg" title="Radio du genou" />);
    const image = await until(() => host.querySelector<HTMLImageElement>('img[alt="Radio du genou"]'));
    await until(() => image.complete && image.naturalWidth === 1600);
    const scroller = host.querySelector<HTMLElement>('.viewer-scroll');
    const fitted = image.getBoundingClientRect().width;
    expect(fitted).toBeLessThanOrEqual(scroller?.clientWidth ?? 0);
    expect(fitted).toBeGreaterThan((scroller?.clientWidth ?? 0) - 40);
    expect(image.getBoundingClientRect().height).toBeCloseTo((fitted * 1200) / 1600, 0);
    button(host, 'Agrandir')?.click();
    expect(image.getBoundingClientRect().width).toBeGreaterThan(fitted);
    expect(scroller && scroller.scrollWidth > scroller.clientWidth).toBe(true); // room to pan
    scroller?.dispatchEvent(new KeyboardEvent('keydown', { key: '-', bubbles: true }));
    scroller?.dispatchEvent(new KeyboardEvent('keydown', { key: '-', bubbles: true }));
    expect(image.getBoundingClientRect().width).toBeLessThan(fitted);
    button(host, 'Ajuster à la largeur')?.click();
    expect(image.getBoundingClientRect().width).toBeCloseTo(fitted, 0);
    const url = image.src;
    expect(url).toMatch(/^blob:/);
    expect((await fetch(url)).ok).toBe(true);
    unmountAll();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('never enlarges a small image to fit', async () => {
    const blob = await picture(120, 80, 'image/png');
    const host = mount(() => <ImageViewer blob={blob} format="png" title="Petite" />);
    const image = await until(() => host.querySelector<HTMLImageElement>('img'));
    await until(() => image.getBoundingClientRect().width === 120);
  });

  it('draws a TIFF on a canvas, pixel for pixel', async () => {
    const tiff = new Blob([UTIF.encodeImage(halvesRgba(200, 100), 200, 100)], { type: 'image/tiff' });
    const host = mount(() => <ImageViewer blob={tiff} format="tiff" title="Fax" />);
    const canvas = await until(() => host.querySelector<HTMLCanvasElement>('canvas[role="img"][aria-label="Fax"]'));
    await until(() => canvas.width === 200 && canvas.height === 100);
    const context = canvas.getContext('2d');
    expect(Array.from(context?.getImageData(10, 50, 1, 1).data ?? [])).toEqual([...RED, 255]);
    expect(Array.from(context?.getImageData(190, 50, 1, 1).data ?? [])).toEqual([...BLUE, 255]);
  });

  it.each([
    ['jpeg', 'image/jpeg'],
    ['tiff', 'image/tiff'],
  ] as const)('says a damaged %s cannot be shown, and tells the caller', async (format, type) => {
    const onUnreadable = vi.fn();
    const damaged = new Blob([new Uint8Array(2048).map((_, i) => (i * 31) % 253)], { type });
    const host = mount(() => <ImageViewer blob={damaged} format={format} title="Abîmée" onUnreadable={onUnreadable} />);
    const alert = await until(() => host.querySelector('[role="alert"]'));
    expect(alert.textContent).toBe(fr.viewer.imageUnreadable);
    expect(onUnreadable).toHaveBeenCalledOnce();
  });
});

describe('TextViewer', () => {
  it('shows markup as text, never as HTML, and wraps long lines', async () => {
    const text = '<script>window.hacked = true</script><img src=x onerror="window.hacked = true"> <b>gras</b>\n' + 'mot '.repeat(500);
    const host = mount(() => <TextViewer blob={new Blob([text])} title="Notes" />, 360);
    const pre = await until(() => host.querySelector('pre'));
    expect(pre.textContent).toBe(text);
    expect(pre.querySelector('*')).toBeNull();
    expect(host.querySelector('script, img, b')).toBeNull();
    expect(getComputedStyle(pre).whiteSpace).toBe('pre-wrap');
    expect(pre.scrollWidth).toBeLessThanOrEqual(pre.clientWidth);
    expect(pre.getAttribute('aria-label')).toBe('Texte de « Notes »');
  });

  it('decodes UTF-8, then Windows-1252 when the bytes are not UTF-8, and UTF-16 with a byte-order mark', () => {
    expect(decodeText(new TextEncoder().encode('Glycémie : 1,02 g/L — à jeun'))).toBe('Glycémie : 1,02 g/L — à jeun');
    expect(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
    // "Résultat : 5 €" as Windows-1252 writes it: é is 0xE9 and € is 0x80, neither valid UTF-8 here.
    expect(decodeText(Uint8Array.from([0x52, 0xe9, 0x73, 0x75, 0x6c, 0x74, 0x61, 0x74, 0x20, 0x3a, 0x20, 0x35, 0x20, 0x80]))).toBe('Résultat : 5 €');
    expect(decodeText(Uint8Array.from([0xff, 0xfe, 0x48, 0x00, 0xe9, 0x00]))).toBe('Hé');
    expect(decodeText(Uint8Array.from([0xfe, 0xff, 0x00, 0x48, 0x00, 0xe9]))).toBe('Hé');
  });
});
