/**
 * tests/fixtures holds the shared fixtures byte for byte (DESIGN.md §8): each file's size and
 * SHA-256 prefix must match its row in tests/fixtures/PROVENANCE.md, and every file there must
 * have a row, so `npm test` never needs ../shared and a changed line ending cannot slip through.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

interface Row {
  path: string;
  size: number;
  sha256: string;
}

/** Table rows whose first cell is a `fixture` path, with a size and a 16-hex sha256 cell. */
function provenanceRows(): Row[] {
  const text = readFileSync(join(FIXTURES, 'PROVENANCE.md'), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const path = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (path === undefined) continue;
    const size = cells.find((cell) => /^\d+$/.test(cell));
    const sha = cells.find((cell) => /^[0-9a-f]{16}$/.test(cell));
    if (size !== undefined && sha !== undefined) rows.push({ path, size: Number(size), sha256: sha });
  }
  return rows;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [relative(FIXTURES, full)];
  });
}

describe('fixtures', () => {
  const rows = provenanceRows();

  it('lists every fixture file in PROVENANCE.md', () => {
    const listed = new Set(rows.map((row) => row.path));
    const files = filesUnder(FIXTURES).filter((file) => file !== 'PROVENANCE.md');
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(files.filter((file) => !listed.has(file))).toEqual([]);
  });

  it.each(provenanceRows().map((row) => [row.path, row]))('%s is byte for byte the recorded file', (_path, row) => {
    const file = join(FIXTURES, row.path);
    expect(statSync(file).size).toBe(row.size);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)).toBe(row.sha256);
  });
});
