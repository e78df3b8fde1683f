/**
 * Decodes images off the main thread: thumbnails (createImageBitmap, or utif for TIFF, drawn
 * scaled on an OffscreenCanvas and encoded as WebP) and full TIFF decoding for the viewer.
 * A file that cannot be decoded gives null; jobs come through worker-jobs.ts, which bounds them.
 */
import { serveJobs } from '../pdf/worker-jobs.ts';
import type { ImageFormat, ImageOutcome, ImagePayload } from './image-messages.ts';
import { decodeTiffPixels } from './tiff.ts';

declare const self: DedicatedWorkerGlobalScope;

/** The decoded picture, or null when the browser (or utif) cannot read the file. */
async function decode(blob: Blob, format: ImageFormat): Promise<ImageBitmap | null> {
  try {
    if (format !== 'tiff') return await createImageBitmap(blob);
    const image = await decodeTiffPixels(await blob.arrayBuffer());
    return image === null ? null : await createImageBitmap(new ImageData(image.rgba, image.width, image.height));
  } catch {
    // createImageBitmap rejects with InvalidStateError for data it cannot decode.
    return null;
  }
}

/** At most `maxWidth` wide and four times that high, never enlarged, as WebP. */
async function thumbnail(blob: Blob, format: ImageFormat, maxWidth: number): Promise<Blob | null> {
  const bitmap = await decode(blob, format);
  if (bitmap === null) return null;
  try {
    const scale = Math.min(1, maxWidth / bitmap.width, (maxWidth * 4) / bitmap.height);
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    const context = canvas.getContext('2d');
    if (context === null) return null;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  } finally {
    bitmap.close();
  }
}

serveJobs<ImagePayload, ImageOutcome>(self, async (payload) => {
  if (payload.kind === 'thumbnail') {
    return { value: { kind: 'thumbnail', thumbnail: await thumbnail(payload.blob, payload.format, payload.maxWidth) } };
  }
  const data = payload.data instanceof Blob ? await payload.data.arrayBuffer() : payload.data;
  const image = await decodeTiffPixels(data);
  return { value: { kind: 'decodeTiff', image }, transfer: image === null ? [] : [image.rgba.buffer] };
});
