/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';
import { iconsPlugin } from './tools/icons.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
// CARNET_BUILD_LABEL distinguishes two builds of one version (the update test serves A then B).
const label = process.env['CARNET_BUILD_LABEL'];
const version = label === undefined || label === '' ? pkg.version : `${pkg.version}+${label}`;
// `npm run bench` adds its measurement pages to a build of its own; the shipped app never has them.
const benchPages = process.env['CARNET_BENCH'] === '1'
  ? { bench: new URL('./bench/page/index.html', import.meta.url).pathname, blank: new URL('./bench/page/blank.html', import.meta.url).pathname }
  : {};

/**
 * pdf.js's data files, copied to `pdfjs/` so that they are served from our own origin (see
 * src/adapters/pdf/assets.ts): CMaps, standard fonts, the CMYK ICC profile and the WebAssembly
 * decoders (JPEG 2000, JBIG2, colour management), with their licences. Left out on purpose: the
 * decoders' JavaScript fallbacks (the CSP allows WebAssembly, and pdf.js must not import scripts
 * from a data folder) and QuickJS, which runs a PDF's scripts: Carnet never does.
 */
function pdfjsDataFiles(): Plugin {
  const root = new URL('./node_modules/pdfjs-dist/', import.meta.url);
  const kept: Record<string, RegExp> = {
    cmaps: /^(.+\.bcmap|LICENSE)$/,
    standard_fonts: /^(.+\.(pfb|ttf)|LICENSE_.+)$/,
    iccs: /^(.+\.icc|LICENSE)$/,
    wasm: /^(openjpeg\.wasm|jbig2\.wasm|qcms_bg\.wasm|LICENSE_(PDFJS_)?(OPENJPEG|JBIG2|QCMS))$/,
  };
  return {
    name: 'carnet-pdfjs-data',
    apply: 'build',
    generateBundle() {
      for (const [folder, keep] of Object.entries(kept)) {
        for (const name of readdirSync(new URL(`${folder}/`, root)).filter((file) => keep.test(file))) {
          this.emitFile({ type: 'asset', fileName: `pdfjs/${folder}/${name}`, source: readFileSync(new URL(`${folder}/${name}`, root)) });
        }
      }
    },
  };
}

export default defineConfig({
  define: {
    __CARNET_VERSION__: JSON.stringify(version),
  },
  build: {
    target: 'es2022',
    outDir: process.env['CARNET_OUT_DIR'] ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inline assets: the CSP allows data: images, but fonts and scripts come from files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // The zxcvbn dictionaries (about 1.2 MB) are one lazily loaded chunk, fetched only when a
    // passphrase is being chosen; every other chunk is far below this.
    chunkSizeWarningLimit: 1300,
    rolldownOptions: {
      input: { main: new URL('./index.html', import.meta.url).pathname, ...benchPages },
    },
  },
  worker: { format: 'es' },
  plugins: [
    solid(),
    iconsPlugin(),
    pdfjsDataFiles(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Carnet — carnet de santé chiffré',
        short_name: 'Carnet',
        description:
          'Votre carnet de santé personnel, chiffré de bout en bout et utilisable hors ligne. Your personal health record, end-to-end encrypted and usable offline.',
        lang: 'fr',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0f5f58',
        background_color: '#f7f5f0',
        categories: ['health', 'medical', 'productivity'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Files shared to the installed app: the service worker seals them to the inbox key at
        // once (src/sw.ts); they are offered for filing after the next unlock.
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: {
            title: 'title',
            text: 'text',
            url: 'url',
            files: [
              {
                name: 'files',
                accept: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'text/plain', 'text/xml', 'application/xml', '.pdf', '.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.txt', '.xml'],
              },
            ],
          },
        },
      },
      injectManifest: {
        // bcmap, pfb, ttf, icc: pdf.js's data files, so that any PDF opens offline too.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm,bcmap,pfb,ttf,icc}'],
        // The zxcvbn dictionaries are large; they are precached like the rest so that creating a
        // vault works offline too.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
});
