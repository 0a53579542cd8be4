#!/usr/bin/env node
// Makes sure a Chromium exists for the Playwright e2e tests, and says which one is used.
// Order: $CHROMIUM_PATH, Debian's /usr/bin/chromium, Playwright's own (if someone installed it).
// When none exists and we are root on Debian, installs Debian's chromium with apt-get.
// Never runs `npx playwright install`: its download host is not reachable from this workplace.
// Keep the lookup order in sync with playwright.config.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function version(path) {
  try {
    const out = execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    });
    return out.trim().split('\n').pop() ?? '';
  } catch {
    return '';
  }
}

async function playwrightOwn() {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function report(path, what) {
  const v = version(path);
  console.log(`browser: ${what} at ${path}${v ? ` (${v})` : ''}`);
}

async function main() {
  const envPath = process.env.CHROMIUM_PATH;
  if (envPath) {
    if (existsSync(envPath)) return report(envPath, 'CHROMIUM_PATH');
    console.warn(`ensure-browser: CHROMIUM_PATH=${envPath} does not exist; looking further`);
  }
  if (existsSync(DEBIAN_CHROMIUM)) return report(DEBIAN_CHROMIUM, 'Debian chromium');
  const own = await playwrightOwn();
  if (own) return report(own, "Playwright's own chromium");

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    console.log('ensure-browser: no Chromium found; installing Debian chromium with apt-get');
    const r = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'],
      { stdio: 'inherit' },
    );
    if (r.status === 0 && existsSync(DEBIAN_CHROMIUM)) return report(DEBIAN_CHROMIUM, 'Debian chromium (just installed)');
    console.error(
      r.status === 0
        ? `ensure-browser: apt-get finished but ${DEBIAN_CHROMIUM} still does not exist`
        : `ensure-browser: apt-get install chromium failed (exit ${r.status ?? r.signal})`,
    );
    process.exit(1);
  }

  console.error(
    'ensure-browser: no Chromium found for the e2e tests.\n' +
      '  On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium\n' +
      '  Or point CHROMIUM_PATH at a Chromium/Chrome binary: CHROMIUM_PATH=/path/to/chrome npm test\n' +
      '  (`npx playwright install` is not used: its download host is unreachable here.)',
  );
  process.exit(1);
}

await main();
