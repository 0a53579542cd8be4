// Two runs compared (issue 21, "Two runs"): B shifted on the shared timeline, aligned by a
// step, linked zoom, the diff table and op-tree diff checked against plain scans of the raw
// files, a diff row highlighting in both runs, and a permalink that restores the comparison.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { apiState, openApp, rawEvents, TRACES, type RawEvent } from './helpers/viewer.ts';

const BASE = 'hta__trace_compare_base.json.gz';
const TEST = 'hta__trace_compare_test.json.gz';

/** Opens `a`, then `b` as the compared run, through the automation API. */
async function openPair(page: Page, a: string, b: string): Promise<void> {
  await openApp(page);
  for (const [file, compare] of [[a, false], [b, true]] as const) {
    const b64 = readFileSync(TRACES + file).toString('base64');
    await page.evaluate(
      async ({ name, data, cmp }) => {
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        await window.kinetoscope.open(new File([bytes], name), { compare: cmp });
      },
      { name: file, data: b64, cmp: compare },
    );
  }
  await expect.poll(async () => (await apiState(page)).traces.length).toBe(2);
}

/** µs from the trace's start (its earliest event) of the X events, as a plain scan gives them. */
function relative(events: RawEvent[]): (RawEvent & { rel: number })[] {
  const t0 = Math.min(...events.filter((e) => typeof e.ts === 'number').map((e) => e.ts!));
  return events.filter((e) => e.ph === 'X' && typeof e.ts === 'number').map((e) => ({ ...e, rel: e.ts! - t0 }));
}

/** Waits for the canvas to show the current state. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * The leftmost x (canvas CSS px) where a slice is drawn in the given track boxes' first rows:
 * a column whose row middle differs from the track's top padding (grid lines cover both).
 */
async function leftmostSlice(page: Page, boxes: { y: number; rows: number }[], reachingRight = false): Promise<number> {
  const canvas = page.getByTestId('timeline-canvas');
  const png = await canvas.screenshot();
  return page.evaluate(
    async ({ b64, rows, right }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const img = ctx.getImageData(0, 0, bmp.width, bmp.height);
      const px = (x: number, y: number): number => {
        const i = (Math.round(y) * img.width + x) * 4;
        return (img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!;
      };
      let best = Infinity;
      const slice = (x: number, y: number): boolean => px(x, y + 9) !== px(x, y - 1);
      for (const r of rows) {
        if (r.rows < 1 || r.y < 30 || r.y + 18 > img.height) continue;
        if (right) {
          // The left edge of the slice that runs to the right edge (1 px gaps between slices end it).
          let x = img.width - 1;
          while (x > 0 && slice(x - 1, r.y)) x--;
          if (slice(img.width - 1, r.y)) best = Math.min(best, x);
          continue;
        }
        for (let x = 0; x < img.width && x < best; x++) {
          if (px(x, r.y + 9) !== px(x, r.y - 1)) {
            best = x;
            break;
          }
        }
      }
      return best;
    },
    { b64: png.toString('base64'), rows: boxes, right: reachingRight },
  );
}

test('B shifted by a known offset draws its first slice at the right pixel; A does not move', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const evB = relative(await rawEvents(TEST));
  const firstB = Math.min(...evB.map((e) => e.rel));
  const s = await apiState(page);
  const [a, b] = s.traces;
  const width = (await page.getByTestId('timeline-canvas').boundingBox())!.width;
  for (const offsetUs of [12_345.5, -3_210.25]) {
    await page.evaluate((o) => window.kinetoscope.align({ offsetUs: o }), offsetUs);
    expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'manual', offsetUs });
    // B's first slice 40 % into a 100 µs window.
    const t = firstB + offsetUs;
    await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [t - 40, t + 60]);
    await settled(page);
    const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
    const x = await leftmostSlice(page, boxes.filter((box) => box.trace === b!.id));
    expect(Math.abs(x - 0.4 * width)).toBeLessThanOrEqual(1.5);
  }
  // A, unshifted, still has its slice at its own time: back at 0, B's first slice is where A's is.
  await page.evaluate(() => window.kinetoscope.align({ start: true }));
  expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
  const firstA = Math.min(...relative(await rawEvents(BASE)).map((e) => e.rel));
  await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [firstA - 40, firstA + 60]);
  await settled(page);
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === a!.id))) - 0.4 * width)).toBeLessThanOrEqual(1.5);
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === b!.id))) - (0.4 * width + (firstB - firstA) * width / 100))).toBeLessThanOrEqual(1.5);
});

/** The track box (canvas px) of the row holding the nth slice named `name` in a trace, found through select(). */
async function rowOf(page: Page, trace: string, name: string): Promise<{ y: number; rows: number }> {
  expect(await page.evaluate(([n, t]) => window.kinetoscope.select({ name: n!, trace: t! }), [name, trace])).toBe(true);
  const track = (await apiState(page)).selection!.track;
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const box = boxes.find((x) => x.trace === trace && x.name === track)!;
  await page.keyboard.press('Escape');
  return { y: box.y, rows: 1 };
}

test('aligned on a step picked in each run, the two step slices start at the same pixel, and zoom moves both', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const stepTs = (events: RawEvent[], name: string): number => relative(events).find((e) => e.name === name)!.rel;
  const evA = await rawEvents(BASE);
  const evB = await rawEvents(TEST);
  const tA = stepTs(evA, 'ProfilerStep#1010');
  const tB = stepTs(evB, 'ProfilerStep#1009');
  // Pick the steps in the bar.
  await page.getByTestId('align-step-a').selectOption('ProfilerStep#1010');
  await page.getByTestId('align-step-b').selectOption('ProfilerStep#1009');
  const cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(cmp!.aligned).toBe('step');
  expect(cmp!.offsetUs).toBeCloseTo(tA - tB, 6);
  await expect(page.getByTestId('compare-note')).toContainText('ProfilerStep#1010 (A) and ProfilerStep#1009 (B)');
  const [a, b] = (await apiState(page)).traces;
  const width = (await page.getByTestId('timeline-canvas').boundingBox())!.width;
  await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [tA - 40, tA + 60]);
  const rowA = await rowOf(page, a!.id, 'ProfilerStep#1010');
  const rowB = await rowOf(page, b!.id, 'ProfilerStep#1009');
  await settled(page);
  // The step slices run past the right edge: their left edges.
  const xA = await leftmostSlice(page, [rowA], true);
  const xB = await leftmostSlice(page, [rowB], true);
  expect(Math.abs(xA - 0.4 * width)).toBeLessThanOrEqual(1.5);
  expect(Math.abs(xB - xA)).toBeLessThanOrEqual(1);

  // Linked zoom: W at the canvas's left edge zooms the one view, both step starts move together.
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + box.height - 10);
  const before = (await apiState(page)).view;
  await page.keyboard.press('w');
  await expect.poll(async () => (await apiState(page)).view.end - (await apiState(page)).view.start).toBeLessThan(before.end - before.start);
  await settled(page);
  const [zA, zB] = [await leftmostSlice(page, [rowA], true), await leftmostSlice(page, [rowB], true)];
  expect(Math.abs(zA - xA)).toBeGreaterThan(5); // the zoom moved A's step…
  expect(Math.abs(zB - zA)).toBeLessThanOrEqual(1); // …and B's with it

  // Back at the start: the API, and the bar says so.
  await page.evaluate(() => window.kinetoscope.align({ step: 'ProfilerStep#1010' }));
  expect((await page.evaluate(() => window.kinetoscope.compare()))!.offsetUs).toBeCloseTo(stepTs(evA, 'ProfilerStep#1010') - stepTs(evB, 'ProfilerStep#1010'), 6);
  await page.getByTestId('align-start').click();
  expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
  await expect(page.getByTestId('compare-note')).toHaveText('A and B aligned at their starts');
});

test('Alt+drag on B shifts B alone; unlinked, a plain drag on B does too', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const [, b] = (await apiState(page)).traces;
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const s0 = (await apiState(page)).view;
  const usPerPx = (s0.end - s0.start) / box.width;
  const bBox = (await page.evaluate(() => window.kinetoscope.trackBoxes())).find((x) => x.trace === b!.id && x.rows > 0)!;
  const y = box.y + bBox.y + 5;
  await page.keyboard.down('Alt');
  await page.mouse.move(box.x + 300, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 350, y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Alt');
  let cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(cmp!.aligned).toBe('manual');
  expect(cmp!.offsetUs).toBeCloseTo(50 * usPerPx, 3);
  expect((await apiState(page)).view).toEqual(s0); // the view did not pan
  await expect(page.getByTestId('compare-note')).toContainText('by hand');
  // Unlinked: a plain drag on B shifts it back.
  await page.getByTestId('link-toggle').uncheck();
  await page.mouse.move(box.x + 350, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, y, { steps: 5 });
  await page.mouse.up();
  cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(Math.abs(cmp!.offsetUs)).toBeLessThan(1e-6 * (s0.end - s0.start));
  expect((await apiState(page)).view).toEqual(s0);
});
