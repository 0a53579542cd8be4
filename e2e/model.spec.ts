// What the model decides, seen through the page: async spans matched by name, the view a
// trace opens at, accelerator tracks. Expected figures come from plain scans of the JSON.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { dropBytes, dropFile, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

interface RawEvent {
  ph: string;
  name?: string;
  cat?: string;
  id?: string | number;
  ts: number;
  dur?: number;
  pid?: number | string;
  tid?: number | string;
}

async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  // The progress panel can outlive a load by a late progress message (the page chrome's
  // own issue): give it a moment, without making these model checks depend on it.
  await page.getByTestId('progress').waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
  const themeButton = page.getByRole('button', { name: /theme/i });
  for (let k = 0; k < 2; k++) {
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.screenshot({ path: test.info().outputPath(`${name}-${k}-${theme}.png`) });
    await themeButton.click();
  }
}

test('nestable async: each e closes the b of its name (catapult__nestable_async.json)', async ({ page }) => {
  const file = 'catapult__nestable_async.json';
  const events = (JSON.parse(readFileSync(TRACES + file, 'utf8')) as { traceEvents: RawEvent[] }).traceEvents;
  // Plain scan: per (cat, id, name), begins and ends paired in time order; a begin left
  // open ends at the last timestamp of the trace.
  const t0 = Math.min(...events.map((e) => e.ts));
  const tEnd = Math.max(...events.map((e) => e.ts + (e.dur ?? 0)));
  const open = new Map<string, number[]>();
  const expected: { name: string; start: number; dur: number }[] = [];
  let endsWithoutBegin = 0;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const key = `${e.cat}/${e.id}/${e.name}`;
    if (e.ph === 'b') open.set(key, [...(open.get(key) ?? []), e.ts]);
    if (e.ph === 'e') {
      const begins = open.get(key) ?? [];
      const b = begins.pop();
      if (b === undefined) endsWithoutBegin++;
      else expected.push({ name: e.name!, start: b - t0, dur: e.ts - b });
    }
  }
  for (const [key, begins] of open) for (const b of begins) expected.push({ name: key.split('/')[2]!, start: b - t0, dur: tEnd - b });
  expect(expected.length).toBe(9);
  expect(endsWithoutBegin).toBe(1);

  await openApp(page);
  await dropFile(page, TRACES + file);
  const state = await waitForTrace(page, file);
  expect(state.traces[0]!.summary.warnings['async end without begin (ignored)']).toBe(endsWithoutBegin);
  const tracks = await page.evaluate(() => window.kinetoscope.tracks());
  const asyncSlices = tracks.filter((t) => t.kind === 'async').reduce((n, t) => n + t.slices, 0);
  const instants = events.filter((e) => e.ph === 'n').length;
  expect(asyncSlices).toBe(expected.length + instants);

  const seen = new Map<string, number>();
  for (const x of expected.sort((a, b) => a.start - b.start)) {
    const nth = seen.get(x.name) ?? 0;
    seen.set(x.name, nth + 1);
    expect(await page.evaluate((q) => window.kinetoscope.select(q), { name: x.name, nth })).toBe(true);
    const sel = (await page.evaluate(() => window.kinetoscope.state())).selection!;
    expect({ name: sel.name, start: sel.start, dur: sel.dur }).toEqual(x);
  }
  await page.evaluate(() => window.kinetoscope.setView(0, 200));
  await screenshotBothThemes(page, 'nestable-async');
});

test('a trace opens at its work, not at a lone instant 2 s away; F still fits everything', async ({ page }) => {
  // 70 ms of work on two threads, then one instant 2 s after it.
  const events: RawEvent[] = [{ ph: 'M', name: 'process_name', ts: 0, pid: 1, tid: 0 } as RawEvent];
  for (let k = 0; k < 70; k++) events.push({ ph: 'X', name: `step ${k}`, ts: 5_000 + k * 1_000, dur: 900, pid: 1, tid: 1 });
  events.push({ ph: 'X', name: 'io', ts: 40_000, dur: 35_500, pid: 1, tid: 2 });
  events.push({ ph: 'i', name: 'outlier', ts: 2_075_000, pid: 1, tid: 1 });
  // Plain scan: the trace starts at the first timed event; the work is the slices with a duration.
  const timed = events.filter((e) => e.ph !== 'M');
  const t0 = Math.min(...timed.map((e) => e.ts));
  const lasting = timed.filter((e) => (e.dur ?? 0) > 0);
  const work = { start: Math.min(...lasting.map((e) => e.ts)) - t0, end: Math.max(...lasting.map((e) => e.ts + e.dur!)) - t0 };
  const whole = Math.max(...timed.map((e) => e.ts + (e.dur ?? 0))) - t0;
  expect(work).toEqual({ start: 0, end: 70_500 });
  expect(whole).toBe(2_070_000);

  await openApp(page);
  await dropBytes(page, 'outlier.json', new TextEncoder().encode(JSON.stringify({ traceEvents: events })));
  const state = await waitForTrace(page, 'outlier.json');
  expect(state.view).toEqual(work);
  await screenshotBothThemes(page, 'opens-at-work');

  await page.getByTestId('timeline-canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('f');
  const fitted = (await page.evaluate(() => window.kinetoscope.state())).view;
  expect(fitted).toEqual({ start: 0, end: whole });
});
