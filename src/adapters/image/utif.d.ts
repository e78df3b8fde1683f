/** The part of utif (UTIF.js, a CommonJS module without types) that Carnet uses. */
declare module 'utif' {
  /** An image file directory: tags as `t<number>` arrays, plus what decodeImage fills in. */
  export interface Ifd {
    readonly [tag: `t${number}`]: readonly number[] | readonly string[] | undefined;
    width?: number;
    height?: number;
    data?: Uint8Array;
  }

  const UTIF: {
    decode(buffer: ArrayBuffer): Ifd[];
    decodeImage(buffer: ArrayBuffer, ifd: Ifd, ifds?: Ifd[]): void;
    /** RGBA, 8 bits per channel, `width * height * 4` bytes. */
    toRGBA8(ifd: Ifd): Uint8Array<ArrayBuffer>;
    /** An uncompressed RGBA TIFF. */
    encodeImage(rgba: ArrayBuffer | Uint8Array, width: number, height: number, metadata?: Record<string, unknown>): ArrayBuffer;
  };
  export default UTIF;
}
