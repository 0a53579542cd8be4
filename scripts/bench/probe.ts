/**
 * npm run -s probe -- <file in .bench/> [runs]
 *
 * A developer's stopwatch for the load path: opens the built app in headless Chromium, loads
 * the file as a File `runs` times (a fresh page each time, so every load is a cold one as in
 * the bench), and prints one JSON line per run with the wall time of `kinetoscope.open` and
 * the engine's own split (summary.timing). Use it before and after a change to a hot path;
 * `npm run bench` is the figure of record. PROBE_QUERY='?workers=0' compares with one thread;
 * PROBE_CONSOLE=1 prints the page's and workers' console; PROBE_IDLE_MS the wait before the file
 * (1500; then, as in the bench, until the machine is idle).
 */

import { timeOpen } from './app.ts';
import { launchBrowser } from './browser.ts';
import { ensureBuild } from './build.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  const [file, runsArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npm run -s probe -- <file in .bench/> [runs]\n');
    process.exit(2);
  }
  const runs = Number(runsArg ?? 3);
  await ensureBuild();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    for (let i = 0; i < runs; i++) {
      const { openMs, summary: s } = await timeOpen(browser, `${server.origin}/${process.env.PROBE_QUERY ?? ''}`, file, {
        idleMs: process.env.PROBE_IDLE_MS ? Number(process.env.PROBE_IDLE_MS) : undefined,
        onConsole: process.env.PROBE_CONSOLE ? (text) => process.stderr.write(`  console: ${text}\n`) : undefined,
      });
      process.stdout.write(`${JSON.stringify({ run: i, openMs: Math.round(openMs), events: s.events.total, loadMs: s.loadMs, timing: s.timing })}\n`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`probe: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
