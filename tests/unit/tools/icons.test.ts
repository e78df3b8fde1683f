/** The PWA icons are rendered from assets/icon.svg at the sizes the manifest promises. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ICON_SOURCE, ICONS, renderIcon } from '../../../tools/icons.ts';

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('icons', () => {
  const source = readFileSync(ICON_SOURCE, 'utf8');

  it.each(ICONS.map((icon) => [icon.fileName, icon]))('%s is a square PNG of its declared size', (_name, icon) => {
    expect(pngSize(renderIcon(source, icon))).toEqual({ width: icon.size, height: icon.size });
  });

  it('covers the sizes the manifest needs: 192, 512 and a maskable 512', () => {
    expect(ICONS.filter((icon) => !icon.maskable).map((icon) => icon.size)).toEqual([192, 512]);
    expect(ICONS.some((icon) => icon.maskable && icon.size === 512)).toBe(true);
  });

  it('renders the maskable icon differently (full bleed, artwork in the safe zone)', () => {
    const plain = renderIcon(source, { fileName: 'a.png', size: 64, maskable: false });
    const maskable = renderIcon(source, { fileName: 'b.png', size: 64, maskable: true });
    expect(Buffer.from(plain).equals(Buffer.from(maskable))).toBe(false);
  });
});
