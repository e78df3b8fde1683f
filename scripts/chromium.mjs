// @ts-check
/**
 * Finds Debian's Chromium, or installs it when we may (root with apt-get), or says exactly what to
 * run. Tests and benchmarks never download a browser of their own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @returns {string} the path of a usable Chromium, or exits with the command to run. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt && process.env.CHROMIUM_PATH === undefined) {
    console.log('Chromium is missing: installing Debian\'s chromium package (apt-get install -y chromium)…');
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : update;
    if (install.status === 0 && existsSync(CHROMIUM)) return CHROMIUM;
  }
  console.error(`Chromium was not found at ${CHROMIUM}.`);
  console.error('Install it with:  sudo apt-get update && sudo apt-get install -y chromium');
  console.error('or point CHROMIUM_PATH at an existing Chromium binary.');
  process.exit(1);
}

/**
 * How every test and benchmark starts Chromium here: as root it needs --no-sandbox, and the
 * background-networking flags keep it from reaching for Google's hosts on a closed network.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
