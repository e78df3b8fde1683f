/**
 * Renders the PWA icons from assets/icon.svg at build time, so the PNGs can never drift from
 * their source. The maskable icon keeps the artwork inside the 80 % safe circle that launchers
 * crop to (W3C Manifest, "icon masks"), on a full-bleed background of the same colour.
 */
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { Plugin } from 'vite';

export const ICON_SOURCE = new URL('../assets/icon.svg', import.meta.url);
const BACKGROUND = '#0f5f58';

export interface IconSpec {
  fileName: string;
  size: number;
  maskable: boolean;
}

export const ICONS: readonly IconSpec[] = [
  { fileName: 'icons/icon-192.png', size: 192, maskable: false },
  { fileName: 'icons/icon-512.png', size: 512, maskable: false },
  { fileName: 'icons/icon-maskable-512.png', size: 512, maskable: true },
  { fileName: 'icons/apple-touch-icon-180.png', size: 180, maskable: true },
];

function maskableSvg(source: string): string {
  const inner = source.replace(/<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  // 0.7 scale leaves the artwork's corners inside the 40 % radius safe zone.
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${BACKGROUND}"/><g transform="translate(76.8 76.8) scale(0.7)">${inner}</g></svg>`;
}

export function renderIcon(source: string, spec: IconSpec): Uint8Array {
  const svg = spec.maskable ? maskableSvg(source) : source;
  const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: spec.size }, font: { loadSystemFonts: false } }).render();
  return rendered.asPng();
}

export function iconsPlugin(): Plugin {
  const source = () => readFileSync(ICON_SOURCE, 'utf8');
  return {
    name: 'carnet-icons',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (request.url === '/icons/icon.svg') {
          response.setHeader('Content-Type', 'image/svg+xml');
          response.end(source());
          return;
        }
        const spec = ICONS.find((icon) => request.url === `/${icon.fileName}`);
        if (spec === undefined) return next();
        response.setHeader('Content-Type', 'image/png');
        response.end(renderIcon(source(), spec));
      });
    },
    generateBundle() {
      const svg = source();
      this.emitFile({ type: 'asset', fileName: 'icons/icon.svg', source: svg });
      for (const spec of ICONS) this.emitFile({ type: 'asset', fileName: spec.fileName, source: renderIcon(svg, spec) });
    },
  };
}
