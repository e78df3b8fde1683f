/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
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
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
        // The zxcvbn dictionaries are large; they are precached like the rest so that creating a
        // vault works offline too.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
});
