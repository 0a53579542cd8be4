/**
 * npm run -s profile -- <file in .bench/> [query | --insight]
 *
 * A developer's look inside the page's thread. With a query: loads the file, waits for the
 * analyses that run after a load, then times window.kinetoscope.search(query) (twice, the
 * second with an x appended) under the page's CPU profiler. With --insight: profiles the load
 * and the analyses that run after it (the parse worker is not profiled). PROFILE_TABLES=1 asks
 * for the three tables first, as the bench does. Prints wall times and
 * the functions with the most self time (ms). Not part of the bench.
 */

import { launchBrowser, newContext, settleCpu } from './browser.ts';
import { ensureBuild } from './build.ts';
import { startServer } from './server.ts';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

async function main(): Promise<void> {
  const [file, query = 'conv'] = process.argv.slice(2);
  if (!file) throw new Error('usage: npm run -s profile-search -- <file in .bench/> [query]');
  await ensureBuild();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    const insight = query === '--insight';
    const blob = await page.evaluate(async (url) => {
      (window as unknown as { benchBlob: Blob }).benchBlob = await (await fetch(url)).blob();
    }, `/bench/${file}`);
    void blob;
    await page.waitForTimeout(1500);
    await settleCpu();
    const early = query === '--early';
    if (insight || early) await cdp.send('Profiler.start');
    if (early) {
      // As the bench: the tables right after the load, while the insight analyses still run;
      // the page's long tasks meanwhile.
      const got = await page.evaluate(async (name) => {
        const long: PerformanceEntry[] = [];
        const obs = new PerformanceObserver((l) => long.push(...l.getEntries()));
        obs.observe({ type: 'longtask' });
        const f = new File([(window as unknown as { benchBlob: Blob }).benchBlob], name);
        const t0 = performance.now();
        await window.kinetoscope.open(f);
        const t1 = performance.now();
        await window.kinetoscope.table('kernels');
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const t2 = performance.now();
        await window.kinetoscope.table('kernels', { start: 0 });
        await window.kinetoscope.table('operators');
        await window.kinetoscope.table('slices');
        const t3 = performance.now();
        await new Promise((r) => setTimeout(r, 300));
        obs.disconnect();
        return { loadMs: t1 - t0, firstTableMs: t2 - t1, tablesMs: t3 - t2, long: long.map((e) => `${Math.round(e.startTime - t1)}+${Math.round(e.duration)}`) };
      }, file);
      process.stdout.write(`early: ${JSON.stringify(got)}\n`);
    }
    const loaded = early ? null : await page.evaluate(async (name) => {
      const f = new File([(window as unknown as { benchBlob: Blob }).benchBlob], name);
      const t0 = performance.now();
      await window.kinetoscope.open(f);
      const t1 = performance.now();
      const stats = await window.kinetoscope.insightStats();
      const warm = performance.getEntriesByName('kt-analysis-warm-up')[0] as PerformanceMark | undefined;
      return { loadMs: t1 - t0, insightDoneMs: performance.now() - t1, stats, analysisWarmUp: warm?.detail ?? null };
    }, file);
    process.stdout.write(`load: ${JSON.stringify(loaded)}\n`);
    process.stdout.write(`DOM: ${await page.evaluate(() => `${document.querySelectorAll('*').length} elements, drawer ${document.querySelector('[data-testid=drawer]')?.querySelectorAll('*').length}, tab ${document.querySelector('[data-testid=drawer] [role=tab][aria-selected=true]')?.textContent}`)}\n`);
    await page.waitForTimeout(500);
    await settleCpu();
    if (process.env.PROFILE_TABLES) {
      // as the bench does before its searches
      await page.evaluate(async () => {
        for (const kind of ['kernels', 'operators', 'slices'] as const) {
          await window.kinetoscope.table(kind);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }
      });
      await page.waitForTimeout(300);
    }
    for (const pass of insight || early ? [0] : [1, 2]) {
      if (!insight && !early) await cdp.send('Profiler.start');
      const ms = insight || early ? {} : await page.evaluate(async (q) => {
        const t0 = performance.now();
        await window.kinetoscope.search(q);
        const t1 = performance.now();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return { search: t1 - t0, withFrame: performance.now() - t0 };
      }, pass === 1 ? query : query.toUpperCase());
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<number, number>();
      profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000));
      const byFn = new Map<string, number>();
      for (const n of profile.nodes) {
        const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0));
      }
      process.stdout.write(`pass ${pass}: ${JSON.stringify(ms)}\n`);
      if (process.env.PROFILE_TOTAL) {
        // Inclusive time: each sample counted once per distinct function on its stack.
        const parent = new Map<number, number>();
        for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const total = new Map<string, number>();
        profile.samples.forEach((id, k) => {
          const seen = new Set<string>();
          for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
            const n = byId.get(at)!;
            const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
            if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
            seen.add(key);
          }
        });
        process.stdout.write('inclusive:\n');
        for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOTAL))) process.stdout.write(`  ${v.toFixed(1).padStart(7)} ms  ${k}\n`);
      }
      for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`  ${v.toFixed(1).padStart(7)} ms  ${k}\n`);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`profile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
