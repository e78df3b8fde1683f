/// <reference types="node" />
/**
 * Three suites, run separately by scripts/test.mjs so that each runs even when another fails:
 * - unit: Node, pure core and server code;
 * - browser: real headless Chromium (Vitest browser mode) for IndexedDB, workers, WebCrypto;
 * - e2e: Node driving Debian's Chromium with playwright-core against the built app and server.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { CHROMIUM, CHROMIUM_ARGS } from './scripts/chromium.mjs';


export default defineConfig({
  test: {
    env: { TZ: 'Europe/Paris' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        plugins: [solid()],
        define: { __CARNET_VERSION__: JSON.stringify('test') },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts', 'tests/browser/**/*.test.tsx'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
