/**
 * A page's text as pdf.js extracts it, flattened for search: items joined as pdf.js laid them
 * out (it inserts the spaces it infers between words), line ends kept, runs of blank space and
 * control characters (glyphs without a Unicode mapping come out as U+0000) folded into one space.
 */

export interface TextPiece {
  readonly str: string;
  readonly hasEOL: boolean;
}

export function pageText(items: readonly (TextPiece | { readonly type: string })[]): string {
  let raw = '';
  for (const item of items) {
    if (!('str' in item)) continue; // marked-content markers carry no text
    raw += item.str;
    if (item.hasEOL) raw += '\n';
  }
  return normaliseText(raw);
}

export function normaliseText(raw: string): string {
  return raw
    .replace(/[\p{Cc}\p{Zs}\u2028\u2029]+/gu, (run) => (run.includes('\n') ? '\n' : ' '))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}
