/**
 * TIFF, which scanners and fax software still write and browsers do not display, decoded with
 * utif (loaded on first use). Only the first image of the file is read. Runs in the image worker.
 */
// The worker tsconfig sees only files reached from workers, and a .d.ts cannot be imported.
// oxlint-disable-next-line typescript/triple-slash-reference
/// <reference path="./utif.d.ts" />
import type { Ifd } from 'utif';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 4` bytes, RGBA. */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
}

/** 100 megapixels (400 MB decoded): an A3 page scanned at 600 dpi is 70. */
export const MAX_TIFF_PIXELS = 100_000_000;

const WIDTH_TAG = 't256';
const HEIGHT_TAG = 't257';
const STRIP_OFFSETS = 't273';
const STRIP_BYTE_COUNTS = 't279';
const TILE_OFFSETS = 't324';
const TILE_BYTE_COUNTS = 't325';

/** Whether every strip (or tile) the directory points to lies inside the file: utif would read a truncated one as zeros. */
function dataInsideFile(ifd: Ifd, fileLength: number): boolean {
  const offsets = ifd[STRIP_OFFSETS] ?? ifd[TILE_OFFSETS] ?? [];
  const counts = ifd[STRIP_BYTE_COUNTS] ?? ifd[TILE_BYTE_COUNTS] ?? [];
  if (offsets.length === 0 || offsets.length !== counts.length) return false;
  return offsets.every((offset, i) => Number(offset) + Number(counts[i]) <= fileLength);
}

/** The first image of a TIFF file, or null when there is none utif can decode. */
export async function decodeTiffPixels(bytes: ArrayBuffer): Promise<RgbaImage | null> {
  const { default: UTIF } = await import('utif');
  try {
    const ifds = UTIF.decode(bytes);
    const first = ifds.find((ifd) => ifd[WIDTH_TAG] !== undefined && ifd[HEIGHT_TAG] !== undefined);
    if (first === undefined) return null;
    const width = Number(first[WIDTH_TAG]?.[0]);
    const height = Number(first[HEIGHT_TAG]?.[0]);
    // Checked before decoding: the header alone must not make us allocate gigabytes.
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > MAX_TIFF_PIXELS) return null;
    if (!dataInsideFile(first, bytes.byteLength)) return null;
    UTIF.decodeImage(bytes, first, ifds);
    const rgba = UTIF.toRGBA8(first);
    if (rgba.length !== width * height * 4) return null;
    return { width, height, rgba: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length) };
  } catch {
    // utif throws plain errors (or TypeErrors on truncated data) for anything it cannot read.
    return null;
  }
}
