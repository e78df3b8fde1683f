/**
 * Printing a document rather than the screen: its pages, already drawn as images, go into a
 * container of their own directly under <body>, and while it is there the print style sheet
 * (components/viewers.css) hides everything else. The images are blob: URLs (the CSP allows
 * blob: images), revoked once the print dialog has closed.
 */

const CONTAINER_CLASS = 'document-print';
const PRINTING_CLASS = 'printing-document';

let cleanupPrevious: (() => void) | null = null;

/**
 * Shows the print dialog for `pages`, one image per sheet. The container stays until the
 * browser says printing is over (`afterprint`): some browsers return from print() at once.
 */
export async function printImages(pages: readonly Blob[], label: string): Promise<void> {
  // A browser that never sent `afterprint` for the last print left its container behind.
  cleanupPrevious?.();
  const container = document.createElement('div');
  container.className = CONTAINER_CLASS;
  container.setAttribute('aria-label', label);
  const urls = pages.map((page) => URL.createObjectURL(page));
  const images = urls.map((url) => {
    const image = document.createElement('img');
    image.alt = '';
    image.src = url;
    return image;
  });
  container.append(...images);
  const cleanup = () => {
    container.remove();
    document.body.classList.remove(PRINTING_CLASS);
    for (const url of urls) URL.revokeObjectURL(url);
    window.removeEventListener('afterprint', cleanup);
    if (cleanupPrevious === cleanup) cleanupPrevious = null;
  };
  cleanupPrevious = cleanup;
  document.body.append(container);
  document.body.classList.add(PRINTING_CLASS);
  try {
    await Promise.all(images.map((image) => image.decode()));
  } catch (error) {
    cleanup();
    throw error;
  }
  window.addEventListener('afterprint', cleanup);
  window.print();
}
