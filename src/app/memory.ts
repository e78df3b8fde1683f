/** Memory that must not wait for the garbage collector. */

/**
 * Frees a buffer's memory now rather than at the next garbage collection: transferring an
 * ArrayBuffer to length 0 detaches it. Without this, a 100 MB import leaves a hundred megabytes of
 * dead chunks waiting for the collector, which is what the "never whole in memory" budget forbids.
 * Only whole buffers we own are released (a view into a larger buffer is left alone).
 */
export function release(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer; detached?: boolean };
  if (typeof buffer.transfer !== 'function' || buffer.detached === true) return;
  if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) return;
  buffer.transfer(0);
}

/**
 * Frees the whole buffer behind a view, for views into a buffer the caller allocated for itself
 * alone (a backup frame's body, of which a chunk's sealed bytes are a part).
 */
export function releaseBuffer(view: Uint8Array): void {
  release(new Uint8Array(view.buffer));
}
