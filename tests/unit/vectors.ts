/** Reads the known-answer vectors out of docs/format.md, so the document and the tests cannot drift. */
import { readFileSync } from 'node:fs';

const FORMAT = new URL('../../docs/format.md', import.meta.url);

export function formatVectors(): Map<string, string> {
  const text = readFileSync(FORMAT, 'utf8');
  const vectors = new Map<string, string>();
  for (const match of text.matchAll(/<!-- vector:([a-z0-9-]+) -->\s*```\n([\s\S]*?)```/g)) {
    vectors.set(match[1] as string, (match[2] as string).trim());
  }
  return vectors;
}

export function vector(name: string): string {
  const value = formatVectors().get(name);
  if (value === undefined) throw new Error(`docs/format.md has no vector "${name}"`);
  return value.replace(/\s+/g, '');
}

export const seq = (start: number, length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
