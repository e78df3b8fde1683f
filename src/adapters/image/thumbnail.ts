/**
 * Images in the vault: a small WebP thumbnail for the documents list, and TIFF decoding for the
 * viewer (browsers display JPEG, PNG and WebP themselves, but not TIFF). Both run off the main
 * thread in image.worker.ts, bounded by worker-jobs.ts: a file that cannot be decoded, takes
 * too long or crashes the worker gives null.
 */
import { createJobWorker } from '../pdf/worker-jobs.ts';
import type { ImageFormat, ImageOutcome, ImagePayload } from './image-messages.ts';

export type { ImageFormat } from './image-messages.ts';

export interface ImageJobOptions {
  /** Aborting rejects with the signal's reason (an AbortError) and stops the work at once. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export const THUMBNAIL_WIDTH = 320;
const DEFAULT_TIMEOUT_MS = 30_000;

const images = createJobWorker<ImagePayload, ImageOutcome>(
  () => new Worker(new URL('./image.worker.ts', import.meta.url), { type: 'module', name: 'carnet-images' }),
  10_000,
);

async function run(payload: ImagePayload, transfer: Transferable[], options: ImageJobOptions): Promise<ImageOutcome | null> {
  const outcome = await images.run(payload, transfer, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: options.signal });
  return outcome.type === 'done' ? outcome.value : null;
}

/** A WebP at most 320 px wide (never enlarged), or null when the image cannot be decoded. */
export async function imageThumbnail(blob: Blob, format: ImageFormat, options: ImageJobOptions = {}): Promise<Blob | null> {
  const outcome = await run({ kind: 'thumbnail', blob, format, maxWidth: THUMBNAIL_WIDTH }, [], options);
  return outcome?.kind === 'thumbnail' ? outcome.thumbnail : null;
}

/** The first image of a TIFF file, or null when it cannot be decoded. */
export async function decodeTiff(data: Blob | Uint8Array, options: ImageJobOptions = {}): Promise<ImageData | null> {
  const payload: ImagePayload = { kind: 'decodeTiff', data: data instanceof Blob ? data : data.slice().buffer };
  const outcome = await run(payload, payload.data instanceof ArrayBuffer ? [payload.data] : [], options);
  if (outcome?.kind !== 'decodeTiff' || outcome.image === null) return null;
  const { rgba, width, height } = outcome.image;
  return new ImageData(rgba, width, height);
}
