/** Saving a file the app made (a backup, the recovery kit as text) through the browser's download. */

/**
 * How long the object URL outlives the click. The download reads the blob after `click()` returns,
 * and a large backup may still be read seconds later; revoking too early cuts it short in some
 * browsers. A minute is long enough for any of them, and the blob is freed right after.
 */
const REVOKE_AFTER_MS = 60_000;

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
