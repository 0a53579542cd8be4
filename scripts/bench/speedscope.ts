// (c) speedscope 1.25.0's import of a trace, timed in headless Chromium.
//
// node_modules/speedscope/dist/release (the built web app, unmodified) is served at /speedscope/
// and opened at /speedscope/#profileURL=/bench/<file>. Speedscope then fetches the file, imports
// it (pako gunzip when gzip, TextDecoder, JSON.parse, the Trace Event importer) inside
// `loadProfile`, calls setProfileGroup + setLoading(false), and Preact replaces the loading bar
// with the "Time Order" flamechart view, whose two canvases (minimap + flamechart) are created
// in that render; the WebGL frame follows on the next animation frame.
//
// Signal: a MutationObserver installed before the page's scripts run (addInitScript) watches for
// the flamechart view's canvases (more than the one full-window WebGL canvas speedscope always
// has) together with the view-mode toolbar; it then waits two animation frames (the first frame
// drawn) and records performance.now(). speedscopeMs = that moment − the profile fetch's
// startTime (PerformanceResourceTiming), so it covers fetch + import + first frame, like
// Kinetoscope's loadMs, and excludes loading speedscope's own bundle. The error view ("Something
// went wrong"), alert() dialogs and "Failed to load format" logs end the wait as failures.
//
// console.warn is replaced by a counter: speedscope warns once per mis-nested slice ("Tried to
// end …"), thousands of times on Kineto traces, and under Playwright every console call is also
// serialised over CDP, which would charge speedscope for the harness. Counts are reported.

import type { Browser } from 'playwright';
import { newContext, settleCpu } from './browser.ts';
import { errorText, log, orTimeout } from './paths.ts';

export interface SpeedscopeResult {
  speedscopeMs: number | null;
  /** Speedscope's own console.time("import") figure, when it logged one. */
  importMs: number | null;
  /** Navigation start → first frame (includes loading speedscope's bundle). */
  sinceNavigationMs: number | null;
  warnings: number;
  error: string | null;
  /** When it failed: ms from the start of the navigation to the failure being seen. */
  failedAfterMs: number | null;
}

interface PageProbe {
  doneAt: number | null;
  error: string | null;
  warnings: number;
}

declare global {
  interface Window {
    benchProbe?: PageProbe;
  }
}

/** Runs in the page before speedscope's bundle. */
function installProbe(): void {
  const probe: PageProbe = { doneAt: null, error: null, warnings: 0 };
  window.benchProbe = probe;
  console.warn = () => {
    probe.warnings++;
  };
  const origLog = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Failed to load format') && probe.error === null) {
      const e = args[1];
      // the innermost stack frames say where in speedscope it broke
      const where = e instanceof Error && e.stack ? e.stack.split('\n').slice(1, 4).map((l) => l.trim().replaceAll(location.origin, '')).join(' ← ') : '';
      probe.error = `${args[0]}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}${where ? ` [${where}]` : ''}`;
    }
    origLog(...args);
  };
  let armed = false;
  const check = () => {
    if (armed || probe.error !== null || !document.body) return;
    const text = document.body.textContent || '';
    if (text.includes('Something went wrong')) {
      probe.error ??= 'speedscope showed "Something went wrong"';
      return;
    }
    // the flamechart view: more canvases than the full-window WebGL one + the view-mode toolbar
    if (document.querySelectorAll('canvas').length >= 3 && text.includes('Time Order')) {
      armed = true;
      requestAnimationFrame(() => requestAnimationFrame(() => (probe.doneAt = performance.now())));
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

export async function timeSpeedscope(
  browser: Browser,
  origin: string,
  file: string,
  timeoutMs: number,
): Promise<SpeedscopeResult> {
  const result: SpeedscopeResult = {
    speedscopeMs: null, importMs: null, sinceNavigationMs: null, warnings: 0, error: null, failedAfterMs: null,
  };
  await settleCpu();
  const started = Date.now();
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.addInitScript(installProbe);
    let dialog: string | null = null;
    page.on('dialog', (d) => {
      dialog ??= d.message();
      void d.dismiss().catch(() => undefined);
    });
    page.on('console', (m) => {
      const t = m.text();
      const match = /^import: ([\d.]+) ?ms/.exec(t);
      if (match) result.importMs = Number(match[1]);
    });
    let crashed = false;
    page.on('crash', () => (crashed = true));
    const url = `/bench/${file}`;
    await page.goto(`${origin}/speedscope/#profileURL=${encodeURIComponent(url)}`);
    const deadline = Date.now() + timeoutMs;
    let probe: PageProbe | undefined;
    for (;;) {
      if (crashed) throw new Error('the speedscope page crashed (out of memory?)');
      if (dialog) throw new Error(`speedscope alert: ${dialog}`);
      // evaluate() waits while the page's main thread is busy importing; bound it
      probe = await orTimeout(page.evaluate(() => window.benchProbe), Math.max(1000, deadline - Date.now()));
      if (probe?.error) throw new Error(probe.error);
      if (probe?.doneAt != null) break;
      if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const fetchStart = await page.evaluate((u) => {
      const e = performance.getEntriesByType('resource').find((x) => new URL(x.name).pathname === u);
      return e ? e.startTime : null;
    }, url);
    if (fetchStart === null) throw new Error('no resource timing entry for the profile fetch');
    result.speedscopeMs = probe.doneAt - fetchStart;
    result.sinceNavigationMs = probe.doneAt;
    result.warnings = probe.warnings;
  } catch (e) {
    result.error = errorText(e);
    result.failedAfterMs = Date.now() - started;
    log(`speedscope failed on ${file}: ${result.error}`);
  } finally {
    await context.close().catch(() => undefined);
  }
  return result;
}
