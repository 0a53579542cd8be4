// Memory on real traces: memory() against a plain scan of the raw JSON (per device the peak
// Total Allocated / Total Reserved, or the running sum of Bytes; allocations and those never
// freed, by the test's own pairing by address), the counter tracks and their peak marker
// (pixels of the marker's colour, and the hovered value), the Memory tab's rows, a row click
// moving the view, the empty state, screenshots in both themes.

import { expect, test, type Page } from '@playwright/test';
import { openCorpusTrace, rawEvents, type RawEvent, pngPixels } from './helpers/viewer.ts';

interface Row { device: string; peakAllocatedBytes: number; peakReservedBytes: number | null; allocations: number; unfreed: number }

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

function label(type: number, id: number): string {
  if (Number.isNaN(type)) return 'unknown device';
  return type === 0 ? 'CPU' : type === 1 ? `GPU ${id}` : `device type ${type} ${id}`;
}

/** Per device, from the raw events: the expected memory() rows, and each device's peak time (raw ts). */
function expected(evs: RawEvent[]): { rows: Row[]; peakTs: Map<string, number> } {
  const mem = evs
    .map((e, k) => ({ e, k }))
    .filter(({ e }) => e.name === '[memory]' && (e.ph === 'i' || e.ph === 'I' || e.ph === 'R') && typeof e.ts === 'number')
    .sort((a, b) => a.e.ts! - b.e.ts! || a.k - b.k);
  const byDevice = new Map<string, { type: number; id: number; evs: RawEvent[] }>();
  for (const { e } of mem) {
    const a = e.args ?? {};
    const l = label(num(a['Device Type']), num(a['Device Id']));
    if (!byDevice.has(l)) byDevice.set(l, { type: num(a['Device Type']), id: num(a['Device Id']), evs: [] });
    byDevice.get(l)!.evs.push(e);
  }
  const rows: Row[] = [];
  const peakTs = new Map<string, number>();
  for (const [device, d] of byDevice) {
    let cur = 0, peak = -Infinity, at = 0, res: number | null = null;
    let allocations = 0;
    const open = new Map<number, boolean>();
    for (const e of d.evs) {
      const a = e.args ?? {};
      const ta = num(a['Total Allocated']), tr = num(a['Total Reserved']), b = num(a['Bytes']), addr = a['Addr'];
      cur = Number.isFinite(ta) ? ta : cur + (Number.isFinite(b) ? b : 0);
      if (cur > peak) {
        peak = cur;
        at = e.ts!;
      }
      if (Number.isFinite(tr)) res = Math.max(res ?? -Infinity, tr);
      if (typeof addr === 'number') expect(Number.isSafeInteger(addr), 'addresses are exact as doubles in this file').toBe(true);
      if (b > 0) {
        allocations++;
        if (typeof addr === 'number') open.set(addr, true);
      } else if (b < 0 && typeof addr === 'number') open.delete(addr);
    }
    rows.push({ device, peakAllocatedBytes: peak, peakReservedBytes: res, allocations, unfreed: open.size });
    peakTs.set(device, at);
  }
  const key = (r: Row): number => {
    const d = byDevice.get(r.device)!;
    return (Number.isNaN(d.type) ? 1e9 : d.type * 1e6) + (Number.isNaN(d.id) ? 0 : d.id);
  };
  rows.sort((a, b) => key(a) - key(b));
  return { rows, peakTs };
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset['theme']);
  if (current !== theme) await page.getByRole('button', { name: /theme/i }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
  await page.mouse.move(0, 0);
  await page.waitForTimeout(150);
}

async function canvasClip(page: Page) {
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  return { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height) };
}

/** Pixels of the peak marker's colour inside a box of the page (CSS px). */
async function peakPixels(page: Page, box: { x: number; y: number; w: number; h: number }, theme: 'light' | 'dark'): Promise<number> {
  const png = await page.screenshot({ clip: { x: box.x, y: box.y, width: box.w, height: box.h } });
  const want = theme === 'light' ? [0xc8, 0x10, 0x2e] : [0xff, 0x5c, 0x6c];
  const { data: d } = await pngPixels(page, png);
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - want[0]!) < 8 && Math.abs(d[i + 1]! - want[1]!) < 8 && Math.abs(d[i + 2]! - want[2]!) < 8) n++;
  return n;
}

async function openMemoryTab(page: Page): Promise<void> {
  await page.getByTestId('drawer').getByRole('tab', { name: 'Memory' }).click();
  const split = page.getByTestId('drawer-split');
  await split.focus();
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowUp');
}

test('h100 bert-small: memory() per device as a plain scan; tracks with the peak marked; the tab; a click zooms; screenshots', async ({ page }) => {
  test.setTimeout(180_000);
  const file = 'tracelens__h100_gaunernst_bert-small-uncased__1016001.json.gz';
  await openCorpusTrace(page, file);
  const evs = await rawEvents(file);
  const want = expected(evs);
  const got = (await page.evaluate(() => window.kinetoscope.memory())) as Row[];
  expect(got).toEqual(want.rows);
  expect(got.map((r) => r.device)).toEqual(['CPU', 'GPU 0']);
  expect(got[1]!.peakReservedBytes).not.toBeNull();
  // worked out on the trace worker after the load, not by the page's fallback
  expect((await page.evaluate(() => window.kinetoscope.insightStats())).memoryWorkerMs).toBeGreaterThan(0);

  // Trace time = raw ts − the trace's first timestamp (as the model counts it).
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  // The GPU metric track is added to the GPU's process a moment after the load: wait for it,
  // so that the tracks below it are where they stay.
  await expect.poll(() => page.evaluate(() => window.kinetoscope.trackBoxes().filter((b) => b.kind === 'gpu-metrics').length)).toBeGreaterThan(0);
  await page.evaluate(async () => { await window.kinetoscope.overview(); await window.kinetoscope.hints(); });
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const gpu = got.find((r) => r.device.startsWith('GPU'))!;
  const allocTrack = boxes.find((b) => b.kind === 'counter' && b.name === `${gpu.device} memory allocated (bytes)`);
  expect(allocTrack, JSON.stringify(boxes.filter((b) => b.kind === 'counter'))).toBeTruthy();
  expect(boxes.some((b) => b.kind === 'counter' && b.name === `${gpu.device} memory reserved (bytes)`)).toBe(true);

  // A narrow view with the peak sample in its middle: the marker is drawn there, and hovering
  // it shows the peak in bytes.
  const tp = want.peakTs.get(gpu.device)! - t0;
  const view = { start: tp - 0.5, end: tp + 0.5 };
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), view);
  // Scroll the timeline (the wheel, over the canvas) until the track is in view.
  const clip = await canvasClip(page);
  const trackBox = async () => (await page.evaluate(() => window.kinetoscope.trackBoxes())).find((b) => b.name === allocTrack!.name)!;
  let box = await trackBox();
  for (let k = 0; k < 40 && box.y + box.height > clip.h - 10; k++) {
    await page.mouse.move(clip.x + clip.w / 2, clip.y + clip.h / 2);
    await page.mouse.wheel(0, Math.min(400, box.y + box.height - clip.h + 40));
    await page.waitForTimeout(50);
    box = await trackBox();
  }
  expect(box.y + box.height).toBeLessThan(clip.h);
  expect(box.y).toBeGreaterThan(0);
  // The peak's triangle sits on the curve's top, at the track's top edge: it can reach a few
  // pixels above the track's box.
  // The box is measured again right before each look: the toolbar (the hints' badge) and the
  // drawer can still move the canvas while the insight analyses finish on a loaded machine.
  const markedBox = async () => {
    const c = await canvasClip(page);
    const b = await trackBox();
    return { x: c.x, y: c.y + b.y - 6, w: c.w, h: b.height + 6 };
  };
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    let marked = await markedBox();
    await expect.poll(async () => peakPixels(page, (marked = await markedBox()), theme)).toBeGreaterThan(10);
    // ... and none on the same track away from the peak
    await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), { start: tp + 1e6, end: tp + 1e6 + 1 });
    expect(await peakPixels(page, marked, theme)).toBe(0);
    // the curves around the peak, to look at
    await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), { start: tp - 3000, end: tp + 1500 });
    await page.waitForTimeout(100);
    await page.screenshot({ path: test.info().outputPath(`memory-tracks-${theme}.png`) });
    await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), view);
  }
  await page.mouse.move(clip.x + clip.w / 2 + 2, clip.y + box.y + box.height / 2);
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(`(${gpu.peakAllocatedBytes.toLocaleString('en-US')} bytes)`);
  await page.mouse.move(0, 0);

  // The tab: one row per allocation; a click moves the view to the allocation.
  await openMemoryTab(page);
  const table = page.getByTestId('table-memory');
  const total = got.reduce((a, r) => a + r.allocations, 0);
  await expect(table.locator('.dt-count')).toHaveText(`${total} rows`);
  await expect(page.getByTestId('memory-device')).toHaveCount(got.length);
  const before = (await page.evaluate(() => window.kinetoscope.state())).view;
  await page.getByTestId('row-memory').first().click();
  await expect.poll(async () => JSON.stringify((await page.evaluate(() => window.kinetoscope.state())).view)).not.toBe(JSON.stringify(before));
  const sel = (await page.evaluate(() => window.kinetoscope.state())).selection;
  expect(sel?.name).toBe('[memory]');
  const v = (await page.evaluate(() => window.kinetoscope.state())).view;
  expect(v.start).toBeLessThanOrEqual(sel!.start);
  expect(v.end).toBeGreaterThan(sel!.start);
  // filter: the never-freed ones
  await page.getByTestId('filter-memory').fill('never freed');
  await expect(table.locator('.dt-count')).toHaveText(`${got.reduce((a, r) => a + r.unfreed, 0)} of ${total} rows`);
  await page.getByTestId('filter-memory').fill('');
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), { start: tp - 2e5, end: tp + 2e5 });
    await page.screenshot({ path: test.info().outputPath(`memory-${theme}.png`) });
  }
});

test('ddp resnet18: CPU allocations with addresses and totals, as a plain scan', async ({ page }) => {
  const file = 'tracelens__ddp_resnet18_no_pool_train_resnet18.json.gz';
  await openCorpusTrace(page, file);
  const want = expected(await rawEvents(file));
  expect(await page.evaluate(() => window.kinetoscope.memory())).toEqual(want.rows);
});

test('resnet50 (2021): CPU and GPU without totals or addresses: running sums of Bytes, no unfreed; the tab', async ({ page }) => {
  test.setTimeout(120_000);
  const file = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
  await openCorpusTrace(page, file);
  const want = expected(await rawEvents(file));
  const got = (await page.evaluate(() => window.kinetoscope.memory())) as Row[];
  expect(got).toEqual(want.rows);
  expect(got.length).toBeGreaterThan(0);
  await openMemoryTab(page);
  await expect(page.getByTestId('table-memory').locator('.dt-count')).toHaveText(`${got.reduce((a, r) => a + r.allocations, 0)} rows`);
});

test('a trace without [memory] events: memory() is empty, the tab says why', async ({ page }) => {
  const file = 'hta__cuda_event_sync_trace.json.gz';
  await openCorpusTrace(page, file);
  expect(await page.evaluate(() => window.kinetoscope.memory())).toEqual([]);
  await openMemoryTab(page);
  await expect(page.getByTestId('memory-empty')).toContainText('profile_memory=True');
  await page.screenshot({ path: test.info().outputPath('memory-empty.png') });
});
