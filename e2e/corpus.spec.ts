// Every real trace, dropped onto the page through a real drop event, loads through the
// worker with the counts that an independent plain scan of its JSON gives.

import { readdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { oracleSummary } from '../src/testing/oracle.ts';
import { readTraceText } from '../src/testing/read-trace-node.ts';
import { dropFile, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

const files = readdirSync(TRACES).filter((f) => f !== 'SOURCES.md').sort();

test.describe.configure({ mode: 'serial' });

test('the corpus is there', () => {
  expect(files.length).toBeGreaterThanOrEqual(40);
});

for (const file of files) {
  test(`drop ${file}: loads in the worker with the expected counts`, async ({ page }) => {
    await openApp(page);
    await dropFile(page, TRACES + file);
    const state = await waitForTrace(page, file);
    const s = state.traces[0]!.summary;
    const o = oracleSummary(await readTraceText(TRACES + file));
    expect(s.events).toEqual(o.events);
    expect([s.processes, s.threads, s.counters]).toEqual([o.processes, o.threads, o.counters]);
    expect([s.gpu.kernels, s.gpu.memcpy, s.gpu.memset, s.gpu.launchLinked, s.gpu.devices, s.gpu.streams]).toEqual([
      o.gpu.kernels, o.gpu.memcpy, o.gpu.memset, o.gpu.launchLinked, o.gpu.devices, o.gpu.streams,
    ]);
    expect(s.flows).toEqual(o.flows);
    // Chromium reads the common event in WebAssembly, and appends it there too: nearly all
    // of a Kineto file's events
    const kineto = file.startsWith('kineto__resnet50');
    expect(kineto ? s.timing.wasmEvents / s.events.total : 1).toBeGreaterThan(0.95);
    expect(kineto ? s.timing.wasmCollected / s.events.total : 1).toBeGreaterThan(0.95);
    // The page shows one header per track and one collapse button per process.
    const tracks = await page.evaluate(() => window.kinetoscope.tracks());
    expect(tracks).toHaveLength(s.tracks);
    await expect(page.locator('.kt-header-track')).toHaveCount(s.tracks);
    await expect(page.locator('button.kt-header-toggle')).toHaveCount(new Set(tracks.map((t) => t.process)).size);
    if (tracks.length > 0) await expect(page.locator('.kt-header-track').first()).toHaveText(tracks[0]!.name);
    await expect(page.getByTestId('trace-name')).toHaveText(file);
  });
}
