// Eight ranks of ~100 MB each (synthetic, ~3.5·10⁵ events each, distinct distributedInfo.rank)
// opened as one run: they must load on this machine, memory staying per trace (~40 B/event).
// Measures the load time, the page's JS heap and the browser's memory (PSS of its processes).
// Skipped where the machine has not the room (free memory under 6 GiB or disk under 1.5 GB),
// or with RANKS_BIG=0. The files are generated once into RANKS_BIG_DIR (default: the OS temp
// folder) and kept for the next run.

import { createWriteStream, existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect, test } from '@playwright/test';
import { synthTraceChunks } from '../src/engine/synth-trace.ts';
import { openApp } from './helpers/viewer.ts';

const RANKS = 8;
const EVENTS = 350_000;
const DIR = process.env.RANKS_BIG_DIR ?? join(tmpdir(), 'kinetoscope-ranks-big');

function roomy(): boolean {
  if (process.env.RANKS_BIG === '0') return false;
  try {
    const fs = statfsSync(tmpdir());
    return freemem() > 6 * 2 ** 30 && fs.bavail * fs.bsize > 1.5e9;
  } catch {
    return false;
  }
}

/** Proportional memory (kB) of the chromium processes under this test's process. */
function browserPssKb(): number {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p) ?? 0, n++) if (p === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, name] of comm) {
    if (!/chrom/i.test(name) || !mine(pid)) continue;
    try {
      const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // gone meanwhile
    }
  }
  return kb;
}

test('eight ranks of ~100 MB each open as one run on this machine', async ({ page }) => {
  test.skip(!roomy(), 'not enough free memory or disk here (or RANKS_BIG=0)');
  test.setTimeout(300_000);
  await mkdir(DIR, { recursive: true });
  const files: string[] = [];
  for (let r = 0; r < RANKS; r++) {
    const path = join(DIR, `rank${r}.json`);
    if (!existsSync(path)) await pipeline(Readable.from(synthTraceChunks({ events: EVENTS, seed: r + 1, rank: r })), createWriteStream(path));
    files.push(path);
  }
  await openApp(page);
  const before = browserPssKb();
  const t0 = Date.now();
  // The file picker with eight files selected: the browser reads them from disk itself.
  await page.getByTestId('file-input').setInputFiles(files);
  await page.waitForFunction((n) => window.kinetoscope.state().traces.length === n, RANKS, { timeout: 240_000, polling: 500 });
  const summaries = await page.evaluate(() => window.kinetoscope.state().traces.map((t) => ({ events: t.summary.events.total, bytes: t.summary.bytes, bytesPerEvent: t.summary.bytesPerEvent })));
  const loadMs = Date.now() - t0;
  const st = await page.evaluate(() => window.kinetoscope.state().traces.map((t) => t.name));
  expect(st).toEqual(files.map((_, r) => `rank${r}.json`));
  const dist = await page.evaluate(() => window.kinetoscope.distributed().then((d) => d.ranks.map((r) => ({ rank: r.rank, steps: r.steps.length }))));
  const distMs = Date.now() - t0 - loadMs;
  expect(dist.map((d) => d.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  const after = browserPssKb();
  const events = summaries.reduce((a, s) => a + s.events, 0);
  const bytes = summaries.reduce((a, s) => a + s.bytes, 0);
  const report = {
    ranks: RANKS, events, fileMB: +(bytes / 1e6).toFixed(1), loadMs, distributedMs: distMs,
    bytesPerEvent: +(summaries.reduce((a, s) => a + s.bytesPerEvent, 0) / RANKS).toFixed(1),
    pageHeapMB: +(heap / 1e6).toFixed(1), browserPssMB: { before: +(before / 1e3).toFixed(0), after: +(after / 1e3).toFixed(0) },
  };
  console.log(`ranks-big: ${JSON.stringify(report)}`);
  test.info().annotations.push({ type: 'ranks-big', description: JSON.stringify(report) });
  expect(events).toBeGreaterThan(RANKS * EVENTS * 0.99);
  // The columns: ~40 B an event per trace (more for [memory] events, 13.6 % of these); the
  // page's heap also holds what the background analyses keep per slice (each slice's parent,
  // the slices grouped by name: 8 B) and not yet collected garbage.
  expect(report.bytesPerEvent).toBeLessThan(60);
  expect(heap).toBeLessThan(events * 120);
});
