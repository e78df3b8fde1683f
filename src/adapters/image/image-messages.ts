/** What the page and the image worker (image.worker.ts) exchange, inside worker-jobs' envelope. */
import type { RgbaImage } from './tiff.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

export type ImagePayload =
  | { readonly kind: 'thumbnail'; readonly blob: Blob; readonly format: ImageFormat; readonly maxWidth: number }
  | { readonly kind: 'decodeTiff'; readonly data: Blob | ArrayBuffer };

export type ImageOutcome =
  | { readonly kind: 'thumbnail'; readonly thumbnail: Blob | null }
  | { readonly kind: 'decodeTiff'; readonly image: RgbaImage | null };
