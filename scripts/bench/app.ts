// (a) Kinetoscope's load to first frame, and the frame-time figures, in a fresh page of the
// built app: the file is fetched into a File first (not timed, as for the JSON.parse
// baseline), then `await window.kinetoscope.open(file)` is timed: it resolves once the trace
// is loaded and its first frame drawn. That is the path of a dropped file. Opening the URL
// directly is slower here only because the bench's own server, on the same two cores, is
// still sending the file while the worker parses (measured: 300 MB, 3.3 s as a File against
// 6.5–8 s by URL).

import { writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright';
import type { Summary } from '../../src/model/types.ts';
import type { FrameStats } from '../../src/render/frame-timer.ts';
import { newContext, RssSampler, settleCpu, settleRss } from './browser.ts';
import { orTimeout } from './paths.ts';

export interface AppLoadResult {
  loadMs: number;
  timing: OpenReply['timing'];
  eventsTotal: number;
  bytesPerEvent: number;
  spanUs: number;
  peakRssMb: number;
  /** Browser tree RSS with the app page open, right before the load. */
  rssBeforeMb: number;
  frames: FramesResult | null;
  analysis: AnalysisResult | null;
}

/** The analysis calls right after the load, each timed from the page. */
export interface AnalysisResult {
  kernelsMs: number;
  operatorsMs: number;
  /** table('slices') over the whole trace. */
  rangeMs: number;
  /** kernels + operators + range. */
  tablesMs: number;
  /** search(SEARCH_TEXT) + search(SEARCH_REGEX). */
  searchMs: number;
  searchTextMs: number;
  searchRegexMs: number;
  searchTextCount: number;
  searchRegexCount: number;
  /** Longest task the analysis ran in (its own stopwatch: window.kinetoscope.analysisStats()). */
  longestSliceMs: number;
  analysisTasks: number;
  /** Tasks of 50 ms or more on the page during the calls (PerformanceObserver 'longtask'), and the longest. */
  longTasks: number;
  longestLongTaskMs: number;
  /** Each long task as `<call it began in>:<ms>` (kernels, operators, range, search, regex, after: once the last call resolved). */
  longTasksAt: string[];
  /** max(longestSliceMs, longestLongTaskMs): the page's longest task as far as either sees it. */
  longestTaskMs: number;
  /** The overview, the memory analysis and the hints (run after the load, unasked): the page's summed task time for each (window.kinetoscope.insightStats()), their sum, and their longest task. */
  overviewMs: number;
  memoryMs: number;
  hintsMs: number;
  insightMs: number;
  insightLongestTaskMs: number;
  /** The trace worker's time on the overview's steps and breakdown and the memory analysis (beside the page's, not in insightMs). */
  insightWorkerMs: number;
  /** Wall clock from the model's arrival on the page until the three were done (NaN: not known). */
  insightReadyMs: number;
}

export const SEARCH_TEXT = 'conv';
export const SEARCH_REGEX = '/^aten::(add|mul)_?$/';

/** Times the tables and searches on the trace just loaded (the first table also computes the slice parents). */
async function timeAnalysis(page: Page): Promise<AnalysisResult> {
  return page.evaluate(async ([text, regex]) => {
    const k = window.kinetoscope;
    const long: PerformanceEntry[] = [];
    const obs = new PerformanceObserver((l) => long.push(...l.getEntries()));
    obs.observe({ type: 'longtask' });
    // The bottom panel's Kernels tab (open by default) computes table('kernels') over the
    // whole trace right after the load: wait for it (the same promise), then a frame.
    await k.table('kernels');
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    k.analysisStats(true);
    const t0 = performance.now();
    // the same table over an explicit window: computed afresh
    await k.table('kernels', { start: 0 });
    const t1 = performance.now();
    await k.table('operators');
    const t2 = performance.now();
    await k.table('slices');
    const t3 = performance.now();
    const a = await k.search(text);
    const t4 = performance.now();
    // the page shows the first search's result (not timed) before the second begins
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t4b = performance.now();
    const b = await k.search(regex);
    const t5 = performance.now();
    // the page renders the search's result after it resolves: wait for that frame too
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    await new Promise((r) => setTimeout(r, 50));
    for (const e of obs.takeRecords()) long.push(e);
    obs.disconnect();
    const during = long.filter((e) => e.startTime + e.duration > t0);
    const stats = k.analysisStats();
    const insight = await k.insightStats();
    const longestLongTaskMs = Math.max(0, ...during.map((e) => e.duration));
    const marks: [string, number][] = [['kernels', t1], ['operators', t2], ['range', t3], ['search', t4], ['regex', t5]];
    const longTasksAt = during.map((e) => `${marks.find(([, t]) => e.startTime < t)?.[0] ?? 'after'}:${Math.round(e.duration)}`);
    return {
      kernelsMs: t1 - t0, operatorsMs: t2 - t1, rangeMs: t3 - t2, tablesMs: t3 - t0,
      searchMs: t4 - t3 + (t5 - t4b), searchTextMs: t4 - t3, searchRegexMs: t5 - t4b,
      searchTextCount: a.count, searchRegexCount: b.count,
      longestSliceMs: stats.longestMs, analysisTasks: stats.tasks,
      longTasks: during.length, longestLongTaskMs, longTasksAt,
      longestTaskMs: Math.max(stats.longestMs, longestLongTaskMs),
      overviewMs: insight.overviewMs, memoryMs: insight.memoryMs, hintsMs: insight.hintsMs,
      insightMs: insight.totalMs, insightLongestTaskMs: insight.longestMs,
      insightWorkerMs: insight.overviewWorkerMs + insight.memoryWorkerMs, insightReadyMs: insight.readyMs ?? NaN,
    };
  }, [SEARCH_TEXT, SEARCH_REGEX] as const);
}

export interface FramesResult extends FrameStats {
  file: string;
  events: number;
  views: number;
  /** Wall time of the whole drive (each view change + two animation frames). */
  wallMs: number;
  smallestViewUs: number;
  note?: string;
}

/** How long the page is left open before the file is opened. */
export const IDLE_BEFORE_OPEN_MS = 1500;

/**
 * One cold load as `npm run probe` and `npm run ab` time it: a fresh page at `pageUrl` (a
 * build of the app, with its query), left open `idleMs` and then until the machine is idle,
 * as the bench does; then `kinetoscope.open` on `/bench/<file>` fetched into a File first.
 */
export async function timeOpen(
  browser: Browser,
  pageUrl: string,
  file: string,
  opts: { idleMs?: number; onConsole?: (text: string) => void } = {},
): Promise<{ openMs: number; summary: Summary }> {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const onConsole = opts.onConsole;
    if (onConsole) page.on('console', (m) => onConsole(m.text()));
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
    await page.waitForTimeout(opts.idleMs ?? IDLE_BEFORE_OPEN_MS);
    await settleCpu();
    return await page.evaluate(async (url) => {
      const f = new File([await (await fetch(url)).blob()], url.split('/').pop()!);
      const t0 = performance.now();
      const summary = await window.kinetoscope.open(f);
      return { openMs: performance.now() - t0, summary };
    }, `/bench/${file}`);
  } finally {
    await context.close();
  }
}

interface OpenReply {
  timing: Pick<Summary['timing'], 'parseMs' | 'finishMs' | 'readWaitMs' | 'workers' | 'segments' | 'wasmEvents' | 'wasmCollected'>;
  loadMs: number;
  total: number;
  bytesPerEvent: number;
  spanUs: number;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const r = await orTimeout(p.then((value) => ({ value })), ms);
  if (!r) throw new Error(`${what} timed out after ${Math.round(ms / 1000)} s`);
  return r.value;
}

/**
 * ~120 views: zoom from the whole trace down to ~1 µs while panning, pan at a middle zoom, zoom
 * back out elsewhere. [start, end] in µs relative to the trace start, inside [0, spanUs].
 */
export function viewPlan(spanUs: number): [number, number][] {
  const out: [number, number][] = [];
  const minW = Math.min(1, spanUs);
  const clamp = (c: number, w: number): [number, number] => {
    const s = Math.min(Math.max(0, c - w / 2), spanUs - w);
    return [s, s + w];
  };
  const zoom = (n: number, w0: number, w1: number, c0: number, c1: number) => {
    for (let i = 0; i < n; i++) {
      const f = i / (n - 1);
      out.push(clamp(spanUs * (c0 + (c1 - c0) * f), w0 * (w1 / w0) ** f));
    }
  };
  zoom(50, spanUs, minW, 0.3, 0.45); // whole trace → 1 µs, drifting right
  const mid = Math.max(minW, Math.min(1000, spanUs / 100)); // pan at ~1 ms
  for (let i = 0; i < 20; i++) out.push(clamp(spanUs * 0.45 + (i - 10) * mid * 0.5, mid));
  zoom(50, minW, spanUs, 0.7, 0.5); // 1 µs → whole trace, elsewhere
  return out;
}

async function driveViews(page: Page, spanUs: number): Promise<{ stats: FrameStats; wallMs: number }> {
  return page.evaluate(async (views) => {
    const k = window.kinetoscope;
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    await frame();
    await frame();
    k.frameStats(true);
    const t0 = performance.now();
    for (const [s, e] of views) {
      k.setView(s, e);
      await frame();
      await frame();
    }
    const wallMs = performance.now() - t0;
    return { stats: k.frameStats(), wallMs };
  }, viewPlan(spanUs));
}

export async function timeAppLoad(
  browser: Browser,
  origin: string,
  file: { name: string; events: number },
  /** analysisProfile: where to write a CPU profile (.cpuprofile) of the page during the analysis calls. */
  opts: { frames: boolean; analysis?: boolean; analysisProfile?: string; timeoutMs: number },
): Promise<AppLoadResult> {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    let crashed = false;
    page.on('crash', () => (crashed = true));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function', null, { timeout: 30_000 });
    // A user opens the page, then picks a file: meanwhile the worker warms its parser (about
    // 2 s; settleCpu below waits for it).
    await page.waitForTimeout(IDLE_BEFORE_OPEN_MS);
    const rssBeforeMb = await settleRss();
    await settleCpu();
    const sampler = new RssSampler();
    sampler.start(100);
    let reply: OpenReply;
    let peakRssMb = 0;
    try {
      reply = await withTimeout(
        page.evaluate(async (url): Promise<OpenReply> => {
          const blob = await (await fetch(url)).blob();
          const file = new File([blob], url.split('/').pop()!);
          const t0 = performance.now();
          const summary = await window.kinetoscope.open(file);
          const loadMs = performance.now() - t0;
          const { parseMs, finishMs, readWaitMs, workers, segments, wasmEvents, wasmCollected } = summary.timing;
          return {
            loadMs, total: summary.events.total, bytesPerEvent: summary.bytesPerEvent, spanUs: summary.spanUs,
            timing: { parseMs, finishMs, readWaitMs, workers, segments, wasmEvents, wasmCollected },
          };
        }, `/bench/${file.name}`),
        opts.timeoutMs,
        'kinetoscope.open',
      );
    } catch (e) {
      const why = crashed ? ' (the page crashed)' : pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : '';
      throw new Error(`${e instanceof Error ? e.message : String(e)}${why}`, { cause: e });
    } finally {
      peakRssMb = await sampler.stop(); // sampled during the load only
    }
    let frames: FramesResult | null = null;
    if (opts.frames) {
      const views = viewPlan(reply.spanUs);
      const { stats, wallMs } = await withTimeout(driveViews(page, reply.spanUs), opts.timeoutMs, 'frame drive');
      frames = {
        file: file.name,
        events: file.events,
        views: views.length,
        ...stats,
        wallMs,
        smallestViewUs: Math.min(...views.map(([s, e]) => e - s)),
      };
      if (stats.frames === 0) {
        frames.note = 'frameStats() reported 0 frames: the renderer recorded no frame times (renderer missing?)';
      }
    }
    // after the frames: the search opens the bottom panel and highlights its matches
    let analysis: AnalysisResult | null = null;
    if (opts.analysis) {
      const cdp = opts.analysisProfile ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      analysis = await withTimeout(timeAnalysis(page), opts.timeoutMs, 'analysis');
      if (cdp && opts.analysisProfile) {
        const { profile } = await cdp.send('Profiler.stop');
        await writeFile(opts.analysisProfile, JSON.stringify(profile));
      }
    }
    return {
      loadMs: reply.loadMs,
      timing: reply.timing,
      eventsTotal: reply.total,
      bytesPerEvent: reply.bytesPerEvent,
      spanUs: reply.spanUs,
      peakRssMb,
      rssBeforeMb,
      frames,
      analysis,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}
