/**
 * What can be wrong with a PDF, as a value. pdf.js reports failures as exceptions whose `name`
 * survives its worker messages; they are converted here, once, at the boundary.
 */

export type PdfProblem = { readonly type: 'PdfPasswordProtected' } | { readonly type: 'PdfUnreadable'; readonly detail: string };

export function pdfProblemFromError(error: unknown): PdfProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  // We never hand pdf.js a password (no `onPassword`), so "needs one" and "wrong one" are the same.
  if (name === 'PasswordException') return { type: 'PdfPasswordProtected' };
  return { type: 'PdfUnreadable', detail: typeof name === 'string' ? `${name}: ${String(message)}` : String(message) };
}
