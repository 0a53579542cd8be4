// GPU metrics over time on real traces: the per-device tracks exist (and not without kernels);
// gpuMetrics() and the hover's figures against GPU utilization and estimated SM efficiency this
// test computes from the raw JSON (merged kernel coverage; a sweep over kernel boundaries for
// SM efficiency); zooming recomputes; the drawn area is as tall as the utilization.

import { expect, test, type Page } from '@playwright/test';
import { openCorpusTrace, rawEvents, TRACES, type RawEvent, pngPixels } from './helpers/viewer.ts';
import { readTraceText } from '../src/testing/read-trace-node.ts';

const RESNET = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const SAMPLED = 'hta__sampled_rank-0.json.gz';
const CPU_ONLY = 'hta__cpu_only_full_rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz';

const isKernel = (e: RawEvent): boolean => e.ph === 'X' && (e.cat ?? '').toLowerCase() === 'kernel' && (e.dur ?? 0) > 0;

interface Kernel {
  a: number;
  b: number;
  eff: number;
}

/**
 * The device's kernels as [start, end) in raw ts − `base` (the first kernel's ts: epoch-scale
 * times keep only quarter-µs steps, differences of integers stay exact) with their SM
 * efficiency (the arg, else grid ÷ SMs, else 0).
 */
async function kernelsOf(file: string, device: number, base: number): Promise<Kernel[]> {
  const j = JSON.parse(await readTraceText(TRACES + file)) as { traceEvents: RawEvent[]; deviceProperties?: { id: number; numSms: number }[] };
  const sms = j.deviceProperties?.find((d) => d.id === device)?.numSms ?? null;
  return j.traceEvents.filter((e) => isKernel(e) && e.args?.['device'] === device).map((e) => {
    const bps = e.args?.['blocks per SM'];
    const grid = e.args?.['grid'] as number[] | undefined;
    const eff = typeof bps === 'number' ? Math.min(1, bps) : grid && sms ? Math.min(1, (grid[0]! * grid[1]! * grid[2]!) / sms) : 0;
    return { a: e.ts! - base, b: e.ts! - base + e.dur!, eff };
  });
}

/** Utilization and SM efficiency over [a, b] (raw ts): every elementary interval between kernel boundaries. */
function figures(ks: Kernel[], a: number, b: number): { util: number; sm: number } {
  const inside = ks.filter((k) => k.b > a && k.a < b);
  const pts = [...new Set([a, b, ...inside.flatMap((k) => [k.a, k.b]).filter((t) => t > a && t < b)])].sort((x, y) => x - y);
  let util = 0;
  let sm = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const mid = (pts[i]! + pts[i + 1]!) / 2;
    let on = 0;
    let s = 0;
    for (const k of inside) {
      if (k.a <= mid && mid < k.b) {
        on++;
        s += k.eff;
      }
    }
    if (on) util += pts[i + 1]! - pts[i]!;
    sm += Math.min(1, s) * (pts[i + 1]! - pts[i]!);
  }
  return { util: util / (b - a), sm: sm / (b - a) };
}

/** The first kernel (by start) of the file: its raw ts (`base`) and its model time (`at`). */
async function firstKernel(page: Page, events: RawEvent[]): Promise<{ base: number; at: number }> {
  const first = events.filter(isKernel).reduce((x, e) => (e.ts! < x.ts! ? e : x));
  const sel = await page.evaluate((name) => {
    window.kinetoscope.select({ name, nth: 0 });
    return window.kinetoscope.state().selection;
  }, first.name!);
  await page.keyboard.press('Escape');
  return { base: first.ts!, at: sel!.start };
}

async function metricBoxes(page: Page) {
  await expect.poll(() => page.evaluate(() => window.kinetoscope.trackBoxes().filter((b) => b.kind === 'gpu-metrics').length)).toBeGreaterThan(0);
  return page.evaluate(() => window.kinetoscope.trackBoxes().filter((b) => b.kind === 'gpu-metrics'));
}

/** Scrolls the timeline so that the first metric track is near the top (wheel over the canvas). */
async function scrollToMetrics(page: Page, box: { x: number; y: number; width: number; height: number }) {
  await page.getByTestId('drawer-toggle').click();
  for (let i = 0; i < 40; i++) {
    const m = (await metricBoxes(page))[0]!;
    if (m.y < 200) break;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, Math.min(600, m.y - 100));
    await page.waitForTimeout(50);
  }
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset['theme']);
  if (current !== theme) await page.getByRole('button', { name: /theme/i }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
}

/**
 * Per pixel column `xs[i]` of the chart area [top, top + height), the drawn value: the height
 * of its topmost painted pixel (not the background colour) above the bottom, over the height.
 * The faint guide rows (`skip`) are not ink.
 */
async function columnValues(page: Page, png: Buffer, xs: number[], top: number, height: number, skip: number[], background: [number, number, number]): Promise<number[]> {
  const img = await pngPixels(page, png);
  return xs.map((x) => {
    for (let r = 0; r < height; r++) {
      if (skip.includes(r)) continue;
      const o = ((top + r) * img.width + x) * 4;
      const d = Math.abs(img.data[o]! - background[0]) + Math.abs(img.data[o + 1]! - background[1]) + Math.abs(img.data[o + 2]! - background[2]);
      if (d > 24) return (height - r) / height;
    }
    return 0;
  });
}

test('GPU metric tracks: per device, figures from the raw JSON, hover, zoom and pixels (ResNet-50)', async ({ page }) => {
  const events = await rawEvents(RESNET);
  const devices = [...new Set(events.filter(isKernel).map((e) => e.args?.['device'] as number))].sort();
  const box = await openCorpusTrace(page, RESNET);
  const boxes = await metricBoxes(page);
  expect(boxes.map((b) => b.name)).toEqual(devices.map((d) => `GPU ${d} metrics, % (computed)`));
  await expect(page.getByTestId('metric-header').first()).toContainText('SM efficiency');

  const device = devices[0]!;
  const first = await firstKernel(page, events);
  const ks = await kernelsOf(RESNET, device, first.base);
  const offset = -first.at; // model time = relative time − offset
  const lo = Math.min(...ks.map((k) => k.a));
  const hi = Math.max(...ks.map((k) => k.b));

  // gpuMetrics() over windows: the whole kernel span, and a middle stretch in 7 buckets.
  for (const [a, b, n] of [[lo, hi, 1], [lo + (hi - lo) * 0.4, lo + (hi - lo) * 0.45, 7]] as const) {
    const got = (await page.evaluate((o) => window.kinetoscope.gpuMetrics(o), { device, start: a - offset, end: b - offset, buckets: n }))[0]!;
    expect(got.device).toBe(String(device));
    expect(got.kernels).toBe(ks.length);
    for (let i = 0; i < n; i++) {
      const want = figures(ks, a + ((b - a) * i) / n, a + ((b - a) * (i + 1)) / n);
      expect(got.utilizationPct[i]!, `utilization bucket ${i}`).toBeCloseTo(100 * want.util, 4);
      expect(got.smEfficiencyPct![i]!, `SM efficiency bucket ${i}`).toBeCloseTo(100 * want.sm, 4);
    }
  }

  // Hover: the tooltip's figures are those of the 3-px bucket under the pointer.
  await scrollToMetrics(page, box);
  const track = (await metricBoxes(page))[0]!;
  const width = box.width;
  const hoverCheck = async (view: { start: number; end: number }, px: number) => {
    await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), view);
    await page.mouse.move(box.x + px + 0.5, box.y + track.y + track.height - 8);
    const tip = page.getByRole('tooltip');
    await expect(tip).toBeVisible();
    await expect(tip).toContainText(`GPU ${device} (computed)`);
    const w = (3 * (view.end - view.start)) / width;
    const t = view.start + ((px + 0.5) / width) * (view.end - view.start);
    const k = Math.floor(t / w);
    const want = figures(ks, k * w + offset, (k + 1) * w + offset);
    const util = Number(/([\d.]+) %/.exec(await page.getByTestId('metric-utilization').innerText())![1]);
    const sm = Number(/([\d.]+) %/.exec(await page.getByTestId('metric-sm').innerText())![1]);
    test.info().annotations.push({ type: 'hover', description: `view ${view.start.toFixed(1)}–${view.end.toFixed(1)} µs: utilization ${util} % (raw ${(100 * want.util).toFixed(2)}), SM ${sm} % (raw ${(100 * want.sm).toFixed(2)})` });
    expect(Math.abs(util - 100 * want.util)).toBeLessThanOrEqual(0.51);
    expect(Math.abs(sm - 100 * want.sm)).toBeLessThanOrEqual(0.51);
    return { util, sm, want };
  };
  const wide = { start: lo - offset, end: hi - offset };
  // A pixel whose bucket is partly busy (raw figures), so that the check reads a real fraction.
  let px = -1;
  for (let x = 20; x < width - 80 && px < 0; x++) {
    const w = (3 * (wide.end - wide.start)) / width;
    const k = Math.floor((wide.start + ((x + 0.5) / width) * (wide.end - wide.start)) / w);
    const f = figures(ks, k * w + offset, (k + 1) * w + offset);
    if (f.util > 0.2 && f.util < 0.8) px = x;
  }
  expect(px).toBeGreaterThan(0);
  const before = await hoverCheck(wide, px);
  // Zoomed into the middle of the longest kernel: the same pointer now reads 100 % busy.
  const longest = ks.reduce((x, k) => (k.b - k.a > x.b - x.a ? k : x));
  const inside = { start: longest.a - offset + (longest.b - longest.a) * 0.25, end: longest.a - offset + (longest.b - longest.a) * 0.75 };
  const after = await hoverCheck(inside, px);
  expect(after.util).toBe(100);
  expect(after.want.util).toBe(1);
  expect(before.util).toBeGreaterThan(20);
  expect(before.util).toBeLessThan(80);

  // Pixels: at the whole-span view, the painted share of the chart per column follows the utilization.
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), wide);
  await page.mouse.move(box.x - 50, box.y + 10);
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.waitForTimeout(150);
    const png = await page.screenshot({ path: test.info().outputPath(`gpu-metrics-resnet-${theme}.png`) });
    await page.screenshot({ path: test.info().outputPath(`gpu-metrics-resnet-${theme}-detail.png`), clip: { x: 0, y: box.y + track.y - 40, width: box.x + box.width, height: 160 } });
    // The chart: from 4 px below the track's top to 1 px above its bottom (draw-gpu-metrics.ts).
    const top = box.y + track.y + 4;
    const height = box.y + track.y + track.height - 1 - top;
    const bg: [number, number, number] = theme === 'light' ? [255, 255, 255] : [0x15, 0x18, 0x1e];
    const w = (3 * (wide.end - wide.start)) / width;
    // Each bucket read at its middle pixel column (its edges carry the steps' vertical strokes),
    // leaving out the "100 %" label at the right.
    const xs: number[] = [];
    const wants: number[] = [];
    for (let k = Math.ceil(wide.start / w); (k + 1) * w <= wide.end - (60 / width) * (wide.end - wide.start); k++) {
      xs.push(Math.floor(box.x + (((k + 0.5) * w - wide.start) / (wide.end - wide.start)) * width));
      wants.push(figures(ks, k * w + offset, (k + 1) * w + offset).util);
    }
    const drawn = await columnValues(page, png, xs, Math.round(top), Math.round(height), [0, 1, Math.round(height / 2) - 1, Math.round(height / 2), Math.round(height / 2) + 1], bg);
    let err = 0;
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const e = Math.abs(drawn[i]! - wants[i]!);
      err += e;
      worst = Math.max(worst, e);
      if (process.env.GM_DEBUG && i < 80) console.log(i, drawn[i]!.toFixed(3), wants[i]!.toFixed(3));
    }
    const cols = xs.length;
    const mean = wants.reduce((x, y) => x + y, 0);
    test.info().annotations.push({ type: 'pixels', description: `${theme}: mean |ink − utilization| ${(err / cols).toFixed(3)} over ${cols} buckets (mean utilization ${(mean / cols).toFixed(3)})` });
    // A pixel of the 43 is 0.023; the line over the area adds one.
    expect(err / cols).toBeLessThan(0.04);
    expect(worst).toBeLessThan(0.08);
  }
});

test('busy while the SMs idle: a stretch of an HTA trace at high utilization and low SM efficiency, light and dark', async ({ page }) => {
  const events = await rawEvents(SAMPLED);
  const box = await openCorpusTrace(page, SAMPLED);
  expect(await metricBoxes(page)).toHaveLength(1);
  const first = await firstKernel(page, events);
  const ks = await kernelsOf(SAMPLED, 0, first.base);
  const offset = -first.at;
  const lo = Math.min(...ks.map((k) => k.a));
  const hi = Math.max(...ks.map((k) => k.b));
  // The twentieth of the kernel span where utilization exceeds SM efficiency the most, from the raw JSON.
  let best = { a: 0, b: 0, util: 0, sm: 0 };
  for (let i = 0; i < 20; i++) {
    const a = lo + ((hi - lo) * i) / 20;
    const b = lo + ((hi - lo) * (i + 1)) / 20;
    const f = figures(ks, a, b);
    if (f.util - f.sm > best.util - best.sm) best = { a, b, ...f };
  }
  test.info().annotations.push({ type: 'stretch', description: `utilization ${(100 * best.util).toFixed(1)} %, SM efficiency ${(100 * best.sm).toFixed(1)} %` });
  expect(best.util).toBeGreaterThan(0.8);
  expect(best.sm).toBeLessThan(0.3);
  const got = (await page.evaluate((o) => window.kinetoscope.gpuMetrics(o), { device: 0, start: best.a - offset, end: best.b - offset }))[0]!;
  expect(got.utilizationPct[0]!).toBeCloseTo(100 * best.util, 4);
  expect(got.smEfficiencyPct![0]!).toBeCloseTo(100 * best.sm, 4);
  await scrollToMetrics(page, box);
  const track = (await metricBoxes(page))[0]!;
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), { start: best.a - offset, end: best.b - offset });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.mouse.move(box.x + box.width * 0.5, box.y + track.y + track.height / 2);
    await expect(page.getByRole('tooltip')).toBeVisible();
    await page.waitForTimeout(150);
    await page.screenshot({ path: test.info().outputPath(`gpu-metrics-idle-sms-${theme}.png`) });
  }
});

test('no GPU metric tracks for a trace without kernels', async ({ page }) => {
  await openCorpusTrace(page, CPU_ONLY);
  expect(await page.evaluate(() => window.kinetoscope.gpuMetrics())).toEqual([]);
  expect(await page.evaluate(() => window.kinetoscope.trackBoxes().filter((b) => b.kind === 'gpu-metrics').length)).toBe(0);
  await expect(page.getByTestId('metric-header')).toHaveCount(0);
});
