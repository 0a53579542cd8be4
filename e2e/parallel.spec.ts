// Parse workers in real Chromium (?workers=2): a generated Kineto trace, plain (the trace
// worker reads from the file's start, the workers read ranges from its end) and gzip (segments of the inflated stream handed to the
// workers), loads exactly as it does on one thread, down to reading a selected event back.

import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { synthExpected, synthTraceBytes } from '../src/engine/synth-trace.ts';
import { dropBytes, waitForTrace } from './helpers/viewer.ts';

const opts = { events: 30_000, seed: 7 };
const plain = synthTraceBytes(opts); // ~9 MB: past the 4 MiB below which one thread is used
const expected = synthExpected(opts);

async function load(page: Page, workers: number, name: string, bytes: Uint8Array) {
  await page.goto(`/?workers=${workers}`);
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  await dropBytes(page, name, bytes);
  const state = await waitForTrace(page, name);
  const { timing, loadMs: _loadMs, ...summary } = state.traces[0]!.summary;
  const tracks = await page.evaluate(() => window.kinetoscope.tracks());
  // the 100th launch, read back from the file through the slice's byte offset
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'cudaLaunchKernel', nth: 99 }))).toBe(true);
  const event = await page.evaluate(() => window.kinetoscope.event());
  return { timing, summary, tracks, event };
}

test.describe.configure({ mode: 'serial' });

for (const gzip of [false, true]) {
  test(`two parse workers load a ${gzip ? 'gzip' : 'plain'} trace exactly as one thread does`, async ({ page }) => {
    test.setTimeout(120_000);
    const name = gzip ? 'synth.json.gz' : 'synth.json';
    const bytes = gzip ? new Uint8Array(gzipSync(plain)) : plain;
    const one = await load(page, 0, name, bytes);
    const two = await load(page, 2, name, bytes);
    expect(one.timing.workers).toBe(0);
    expect(two.timing.workers).toBe(2);
    expect(two.timing.segments).toBeGreaterThanOrEqual(2);
    expect(two.timing.recuts).toBe(0);
    // plain: the trace worker reads from the file's start while the workers take segments
    // from its end; gzip: every segment of the inflated stream goes to a worker
    if (gzip) expect(two.timing.workerSegments).toBe(two.timing.segments);
    else {
      expect(two.timing.workerSegments).toBeGreaterThan(0);
      expect(two.timing.workerSegments).toBeLessThan(two.timing.segments);
    }
    expect(two.summary.events.total).toBe(expected.events);
    expect(two.summary.gpu.kernels).toBe(expected.kernels);
    expect(two.summary).toEqual(one.summary);
    expect(two.tracks).toEqual(one.tracks);
    expect(two.event).not.toBeNull();
    expect(two.event).toEqual(one.event);
  });
}
