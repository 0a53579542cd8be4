// What the canvas paints, checked against figures computed here from the raw JSON: zoomed-out
// GPU streams painted as busy as they are.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { apiState, dropFile, openApp, TRACES, waitForTrace, pngPixels } from './helpers/viewer.ts';

const SPARSE = 'hta__negative_queue_length_rank0.json.gz';

interface RawEvent {
  ph?: string;
  name?: string;
  cat?: string;
  ts?: number;
  dur?: number;
  pid?: number | string;
  tid?: number | string;
}

function rawEvents(file: string): RawEvent[] {
  let bytes = readFileSync(TRACES + file);
  if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
  const j = JSON.parse(bytes.toString('utf8')) as RawEvent[] | { traceEvents: RawEvent[] };
  return Array.isArray(j) ? j : j.traceEvents;
}

/** Length of the union of [ts, ts + dur) over the events, clipped to [a, b]. */
function busyUs(events: RawEvent[], a: number, b: number): number {
  const iv = events.map((e) => [Math.max(a, e.ts!), Math.min(b, e.ts! + (e.dur ?? 0))] as const).filter(([x, y]) => y > x);
  iv.sort((p, q) => p[0] - q[0]);
  let total = 0;
  let end = -Infinity;
  for (const [x, y] of iv) {
    if (y <= end) continue;
    total += y - Math.max(x, end);
    end = y;
  }
  return total;
}

/** Switches the theme with the toolbar's button. */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset['theme']);
  if (current !== theme) await page.getByRole('button', { name: /theme/i }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
  await page.mouse.move(0, 0);
  await page.waitForTimeout(150);
}

async function canvasClip(page: Page) {
  const box = await page.locator('canvas').first().boundingBox();
  if (!box) throw new Error('no canvas');
  return { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height) };
}

/**
 * Share of a slice row's pixels painted: a pixel is ink when it differs from the same column
 * in the padding line just above the row (which has the background and any grid line).
 */
async function rowInk(page: Page, png: Buffer, clip: { x: number; y: number; w: number }, rowTop: number, height: number): Promise<number> {
  const img = await pngPixels(page, png, { x: clip.x, y: clip.y + rowTop, w: clip.w, h: height + 1 });
  const w = clip.w;
  let ink = 0;
  for (let col = 0; col < w; col++) {
    const r0 = col * 4;
    for (let row = 1; row <= height; row++) {
      const p = (row * w + col) * 4;
      const d = Math.abs(img.data[p]! - img.data[r0]!) + Math.abs(img.data[p + 1]! - img.data[r0 + 1]!) + Math.abs(img.data[p + 2]! - img.data[r0 + 2]!);
      if (d > 24) ink++;
    }
  }
  return ink / (w * height);
}

test('zoomed out, each GPU stream paints as much of its row as it is busy', async ({ page }) => {
  const events = rawEvents(SPARSE);
  // Tall enough for the three streams below the CPU threads, with the analysis panel folded.
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page);
  await dropFile(page, TRACES + SPARSE);
  await waitForTrace(page, SPARSE);
  await page.mouse.move(0, 0);
  // The analysis panel folded away: the streams must be in view.
  await page.getByTestId('drawer-toggle').click();

  // Trace time → raw ts: the first kernel of a name, found both ways.
  const kernels = events.filter((e) => e.ph === 'X' && e.cat === 'kernel');
  const first = kernels.reduce((a, e) => (e.ts! < a.ts! ? e : a));
  const sel = await page.evaluate((name) => {
    window.kinetoscope.select({ name, nth: 0 });
    return window.kinetoscope.state().selection;
  }, first.name!);
  const offset = first.ts! - sel!.start;
  await page.keyboard.press('Escape');

  const { view } = await apiState(page);
  const clip = await canvasClip(page);
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const streams = boxes.filter((b) => b.kind === 'gpu' && b.rows === 1 && b.y > 24 && b.y + 18 < clip.h);
  expect(streams.length).toBeGreaterThanOrEqual(3);

  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    const png = await page.screenshot({ path: test.info().outputPath(`gpu-streams-fit-${theme}.png`) });
    await page.screenshot({ path: test.info().outputPath(`gpu-streams-fit-${theme}-detail.png`), clip: { x: clip.x, y: clip.y + streams[0]!.y - 30, width: clip.w, height: 200 } });
    let dense = 0;
    for (const s of streams) {
      const tid = Number(/(\d+)/.exec(s.name)?.[1]);
      const onStream = events.filter((e) => e.ph === 'X' && (Number(e.tid) === tid || e.tid === s.name) && String(e.pid) === String(first.pid));
      const busy = busyUs(onStream, view.start + offset, view.end + offset) / (view.end - view.start);
      // The row box is 16 px tall, 1 px below the row's top.
      const ink = await rowInk(page, png, clip, s.y, 17);
      const inkBox = (ink * 17) / 16;
      test.info().annotations.push({ type: 'stream', description: `${theme} ${s.name}: ${onStream.length} slices, busy ${busy.toFixed(3)}, ink ${inkBox.toFixed(3)}` });
      expect(Math.abs(inkBox - busy), `${s.name} (${theme}): ink ${inkBox.toFixed(3)} vs busy ${busy.toFixed(3)}`).toBeLessThan(0.1);
      if (onStream.length > 1000) dense++;
    }
    // At least one stream has far more kernels than pixels (the case that used to paint solid).
    expect(dense).toBeGreaterThan(0);
  }
});

const UNIT_US: Record<string, number> = { s: 1e6, ms: 1e3, 'µs': 1, ns: 1e-3 };

/** "118.828111 ms" → [118828.111, 'ms']. */
function parseTime(text: string): [number, string] {
  const m = /^(-?[\d.]+) (s|ms|µs|ns)$/.exec(text.trim());
  if (!m) throw new Error(`not a time: ${text}`);
  return [Number(m[1]) * UNIT_US[m[2]!]!, m[2]!];
}

test('the ruler and the details panel write the same moment in the same unit', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + SPARSE);
  await waitForTrace(page, SPARSE);
  const sel = await page.evaluate(() => {
    window.kinetoscope.select({ name: 'ProfilerStep#552', nth: 0 });
    return window.kinetoscope.state().selection!;
  });
  const startCell = page.getByTestId('details').locator('tr', { hasText: 'Start' }).locator('td');
  const [detailsUs, detailsUnit] = parseTime(await startCell.innerText());
  expect(Math.abs(detailsUs - sel.start)).toBeLessThan(0.001);
  const { w } = await canvasClip(page);
  // 100 µs ticks, then sub-µs ticks, around the slice's start.
  for (const half of [500, 1.5]) {
    await page.evaluate(({ a, b }) => window.kinetoscope.setView(a, b), { a: sel.start - half, b: sel.start + half });
    const ruler = await page.evaluate((width) => window.kinetoscope.ruler(width), w);
    expect(ruler.originLabel).toBeNull();
    let k = 0;
    for (let i = 1; i < ruler.times.length; i++) if (Math.abs(ruler.times[i]! - sel.start) < Math.abs(ruler.times[k]! - sel.start)) k = i;
    const [tickUs, tickUnit] = parseTime(ruler.labels[k]!);
    expect(tickUnit, `tick "${ruler.labels[k]}" vs details "${await startCell.innerText()}"`).toBe(detailsUnit);
    expect(Math.abs(tickUs - ruler.times[k]!)).toBeLessThan(1e-6 * Math.max(1, tickUs));
    expect(Math.abs(tickUs - sel.start)).toBeLessThan(half);
  }
  await page.waitForTimeout(100);
  await page.screenshot({ path: test.info().outputPath('ruler-deep-zoom.png') });
  // A range dragged on the ruler: its duration label in light and dark.
  await page.evaluate(({ a, b }) => window.kinetoscope.setView(a, b), { a: sel.start - 500, b: sel.start + 500 });
  const clip = await canvasClip(page);
  await page.mouse.move(clip.x + clip.w * 0.4, clip.y + 12);
  await page.mouse.down();
  await page.mouse.move(clip.x + clip.w * 0.47, clip.y + 12, { steps: 5 });
  await page.mouse.up();
  expect((await apiState(page)).range).not.toBeNull();
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.screenshot({ path: test.info().outputPath(`range-label-${theme}.png`), clip: { x: clip.x, y: clip.y, width: clip.w, height: 60 } });
  }
});

const sign = (d: number): string => (d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '±0');

test('hovering a counter shows its value; clicking selects the sample', async ({ page }) => {
  const file = 'catapult__instance_counters.json';
  const events = rawEvents(file) as (RawEvent & { id?: string; args?: Record<string, number> })[];
  await openApp(page);
  await dropFile(page, TRACES + file);
  await waitForTrace(page, file);
  // Trace time → raw ts, through the slice "a".
  const a = events.find((e) => e.name === 'a' && e.ph === 'B')!;
  const sel = await page.evaluate(() => {
    window.kinetoscope.select({ name: 'a', nth: 0 });
    return window.kinetoscope.state().selection!;
  });
  const offset = a.ts! - sel.start;
  await page.keyboard.press('Escape');

  // The series of id "123", from the raw JSON.
  const samples = events.filter((e) => e.ph === 'C' && e.id === '123').sort((p, q) => p.ts! - q.ts!);
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const track = boxes.find((b) => b.kind === 'counter' && b.name.includes('123'));
  expect(track, JSON.stringify(boxes)).toBeTruthy();
  // Zoom so samples 1..5 are wide; hover the middle of sample 2.
  const view = { start: samples[1]!.ts! - offset - 0.5, end: samples[5]!.ts! - offset + 0.5 };
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), view);
  const clip = await canvasClip(page);
  const k = 2;
  const mid = (samples[k]!.ts! + samples[k + 1]!.ts!) / 2 - offset;
  const x = clip.x + ((mid - view.start) / (view.end - view.start)) * clip.w;
  const y = clip.y + track!.y + track!.height / 2;
  await page.mouse.move(x, y);
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(track!.name);
  await expect(tooltip).toContainText(`value ${samples[k]!.args!['value']}`);
  const tipTime = /at (.+)$/m.exec(await tooltip.innerText())![1]!;
  expect(Math.abs(parseTime(tipTime)[0] - (samples[k]!.ts! - offset))).toBeLessThan(0.001);

  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.mouse.click(x, y);
    const details = page.getByTestId('counter-details');
    await expect(details).toBeVisible();
    const row = (name: string) => details.locator('tr', { hasText: name }).locator('td');
    await expect(row('Value')).toHaveText(String(samples[k]!.args!['value']));
    expect(Math.abs(parseTime(await row('Time').innerText())[0] - (samples[k]!.ts! - offset))).toBeLessThan(0.001);
    const prev = samples[k - 1]!.args!['value']!;
    const next = samples[k + 1]!.args!['value']!;
    const cur = samples[k]!.args!['value']!;
    await expect(row('Previous')).toContainText(`${prev} (${sign(cur - prev)})`);
    await expect(row('Next')).toContainText(`${next} (${sign(next - cur)})`);
    await page.mouse.move(x, y + track!.height * 2);
    await page.waitForTimeout(150);
    await page.screenshot({ path: test.info().outputPath(`counter-selected-${theme}.png`) });
  }
  // The next sample by keyboard, through its button.
  await page.getByRole('button', { name: 'Select the next sample' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('counter-details').locator('tr', { hasText: 'Value' }).locator('td')).toHaveText(String(samples[k + 1]!.args!['value']));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('counter-details')).toHaveCount(0);
});
